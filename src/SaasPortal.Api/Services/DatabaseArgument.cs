using SaasPortal.Storage.Databases;

namespace SaasPortal.Api.Services;

/// <summary>Reads a database name argument, refusing invalid names at the edge with a clear fault.</summary>
internal static class DatabaseArgument
{
    public static string Read(RpcArguments a, int index)
    {
        var name = a.String(index, "db");
        return DatabaseName.IsValid(name)
            ? name
            : throw ServiceException.ValidationError(
                $"Invalid database name '{ServiceDispatcher.Truncate(name)}': use at most {DatabaseName.MaxLength} lowercase letters, digits, '-', '_' or '.', starting with a letter or digit.");
    }
}
