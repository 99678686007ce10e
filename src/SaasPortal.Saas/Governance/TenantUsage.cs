using SaasPortal.Orm;

namespace SaasPortal.Saas.Governance;

/// <summary>Counts inside a tenant that limits and the portal's client records rely on.</summary>
public static class TenantUsage
{
    /// <summary>Active internal users (share = False) other than the superuser: the users a plan's limit counts.</summary>
    public static Task<int> CountInternalUsersAsync(OrmEnvironment env, CancellationToken cancellationToken) =>
        env.Sudo()["res.users"].SearchCountAsync(
            Wire.Domain(("share", "=", false), ("active", "=", true), ("id", "!=", OrmEnvironment.SuperuserId)), cancellationToken);
}
