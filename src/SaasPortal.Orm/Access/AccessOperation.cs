namespace SaasPortal.Orm.Access;

/// <summary>The four operations access rules grant.</summary>
public enum AccessOperation
{
    /// <summary>perm_read.</summary>
    Read,

    /// <summary>perm_write.</summary>
    Write,

    /// <summary>perm_create.</summary>
    Create,

    /// <summary>perm_unlink.</summary>
    Unlink,
}

internal static class AccessOperations
{
    public static string Column(this AccessOperation operation) => operation switch
    {
        AccessOperation.Read => "perm_read",
        AccessOperation.Write => "perm_write",
        AccessOperation.Create => "perm_create",
        _ => "perm_unlink",
    };

    public static string WireName(this AccessOperation operation) => operation switch
    {
        AccessOperation.Read => "read",
        AccessOperation.Write => "write",
        AccessOperation.Create => "create",
        _ => "unlink",
    };

    public static AccessOperation? Parse(string? name) => name switch
    {
        "read" => AccessOperation.Read,
        "write" => AccessOperation.Write,
        "create" => AccessOperation.Create,
        "unlink" => AccessOperation.Unlink,
        _ => null,
    };

    /// <summary>Odoo's words for a refused operation.</summary>
    public static string Refusal(this AccessOperation operation) => operation switch
    {
        AccessOperation.Read => "Sorry, you are not allowed to access this document.",
        AccessOperation.Write => "Sorry, you are not allowed to modify this document.",
        AccessOperation.Create => "Sorry, you are not allowed to create this kind of document.",
        _ => "Sorry, you are not allowed to delete this document.",
    };
}
