using SaasPortal.Addons.Behaviours;
using SaasPortal.Orm.Methods;
using SaasPortal.Saas.Portal;
using SaasPortal.Saas.Provisioning;
using SaasPortal.Saas.Recovery;
using SaasPortal.Saas.Upgrades;

namespace SaasPortal.Saas.Addons.SaasPortal;

/// <summary>The portal's model methods: creating client databases, changing, synchronising, expiring, deleting, renaming, duplicating and backing them up.</summary>
public sealed class SaasPortalBehaviour(DatabaseProvisioner provisioner, TenantUpgrader upgrader, ClientOperations operations, JournalledBackups backups)
    : IAddonBehaviour
{
    /// <inheritdoc />
    public string Addon => "saas_portal";

    /// <inheritdoc />
    public void Register(MethodTable methods)
    {
        methods.Register("saas_portal.plan", "create_new_database", provisioner.CreateNewDatabaseAsync);
        methods.Register("saas.config", "do_upgrade_database", upgrader.DoUpgradeDatabaseAsync);
        methods.Register("saas_portal.client", "upgrade", upgrader.UpgradeAsync);
        methods.Register("saas_portal.client", "delete_database", operations.DeleteDatabaseAsync);
        methods.Register("saas_portal.client", "rename_database", operations.RenameDatabaseAsync);
        methods.Register("saas_portal.client", "duplicate_database", operations.DuplicateDatabaseAsync);
        methods.Register("saas_portal.client", "backup_database", backups.BackupDatabaseAsync);
        methods.Register("saas_portal.client", "sync_client", operations.SyncClientAsync);
        methods.Register("saas_portal.client", "run_expiry_job", operations.RunExpiryJobAsync);
    }
}
