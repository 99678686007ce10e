using SaasPortal.Addons.Behaviours;
using SaasPortal.Orm.Methods;
using SaasPortal.Saas.Provisioning;
using SaasPortal.Saas.Upgrades;

namespace SaasPortal.Saas.Addons.SaasPortal;

/// <summary>The portal's model methods: creating client databases and changing them.</summary>
public sealed class SaasPortalBehaviour(DatabaseProvisioner provisioner, TenantUpgrader upgrader) : IAddonBehaviour
{
    /// <inheritdoc />
    public string Addon => "saas_portal";

    /// <inheritdoc />
    public void Register(MethodTable methods)
    {
        methods.Register("saas_portal.plan", "create_new_database", provisioner.CreateNewDatabaseAsync);
        methods.Register("saas.config", "do_upgrade_database", upgrader.DoUpgradeDatabaseAsync);
        methods.Register("saas_portal.client", "upgrade", upgrader.UpgradeAsync);
    }
}
