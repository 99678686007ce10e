namespace SaasPortal.Saas;

/// <summary>
/// The <c>ir.config_parameter</c> keys through which the portal governs a tenant. They are written only by the
/// portal (as hidden parameters: readable by the superuser and the SaaS support group) and read by the tenant's
/// <c>saas_client</c> governance.
/// </summary>
public static class SaasParameters
{
    /// <summary>"1" while the tenant is suspended.</summary>
    public const string Suspended = "saas_client.suspended";

    /// <summary>"1" while the portal copies the tenant to another database server: every call is refused, the superuser's too.</summary>
    public const string Moving = "saas_client.moving";

    /// <summary>Largest number of internal users besides the superuser; 0 or absent means unlimited.</summary>
    public const string MaxUsers = "saas_client.max_users";

    /// <summary>Largest database plus file storage in MB; 0 or absent means unlimited.</summary>
    public const string TotalStorageLimit = "saas_client.total_storage_limit";

    /// <summary>UTC expiry "YYYY-MM-DD HH:MM:SS"; past it the tenant is blocked like a suspended one.</summary>
    public const string ExpirationDatetime = "saas_client.expiration_datetime";

    /// <summary>"True" while the tenant is a trial.</summary>
    public const string Trial = "saas_client.trial";

    /// <summary>Id of the owner's user in the tenant.</summary>
    public const string Owner = "res.users.owner";

    /// <summary>The tenant's identity, equal to the portal client's client_id.</summary>
    public const string DatabaseUuid = "database.uuid";

    /// <summary>XML id of the group that may read hidden parameters besides the superuser.</summary>
    public const string SupportGroup = "saas_client.group_saas_support";
}
