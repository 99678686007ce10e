using SaasPortal.Orm;
using SaasPortal.Orm.Errors;
using SaasPortal.Saas.Provisioning;

namespace SaasPortal.Saas.Portal;

/// <summary>Who counts as a portal manager: the superuser and members of <see cref="DatabaseProvisioner.ManagerGroup"/>.</summary>
internal static class PortalRoles
{
    /// <summary>Whether the caller of <paramref name="portal"/> manages the portal.</summary>
    public static async Task<bool> IsManagerAsync(OrmEnvironment portal, CancellationToken cancellationToken) =>
        portal.IsSuperuser || Wire.Bool(await portal.Sudo().CallAsync("res.users", "has_group",
            [new List<object?> { portal.Uid }, DatabaseProvisioner.ManagerGroup], null, cancellationToken));

    /// <summary>Refuses the call unless its user manages the portal.</summary>
    public static async Task EnsureManagerAsync(OrmEnvironment portal, string what, CancellationToken cancellationToken)
    {
        if (!await IsManagerAsync(portal, cancellationToken))
        {
            throw new AccessErrorException($"Only portal managers may {what}.");
        }
    }
}
