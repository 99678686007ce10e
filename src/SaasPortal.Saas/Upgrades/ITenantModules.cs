namespace SaasPortal.Saas.Upgrades;

/// <summary>
/// Module operations on a tenant database, each atomic and run in its own transaction(s) by the module system.
/// Each returns a short description of what happened, which the upgrade reports back to the portal's caller.
/// </summary>
public interface ITenantModules
{
    /// <summary>Refreshes the tenant's ir.module.module from the addons path.</summary>
    Task<string> UpdateListAsync(string database, CancellationToken cancellationToken);

    /// <summary>Installs modules with their dependencies.</summary>
    Task<string> InstallAsync(string database, IReadOnlyList<string> modules, CancellationToken cancellationToken);

    /// <summary>Uninstalls modules and the installed modules that depend on them.</summary>
    Task<string> UninstallAsync(string database, IReadOnlyList<string> modules, CancellationToken cancellationToken);

    /// <summary>Upgrades installed modules to their current files.</summary>
    Task<string> UpgradeAsync(string database, IReadOnlyList<string> modules, CancellationToken cancellationToken);
}
