using SaasPortal.Orm;
using SaasPortal.Orm.Service;

namespace SaasPortal.Addons.Modules;

/// <summary>
/// Module operations on a database by name, each in its own transaction as the superuser: for the portal
/// (provisioning, <c>do_upgrade_database</c>), the CLI and tests. Inside a call, use <see cref="ModuleInstaller"/>.
/// </summary>
public sealed class ModuleOperations(ModuleSystem modules, OrmService orm)
{
    public Task<ModuleOperationResult> InstallAsync(string database, IEnumerable<string> names, CancellationToken cancellationToken) =>
        RunAsync(database, env => modules.Installer.InstallAsync(env, names, cancellationToken), cancellationToken);

    public Task<ModuleOperationResult> UninstallAsync(string database, IEnumerable<string> names, CancellationToken cancellationToken) =>
        RunAsync(database, env => modules.Installer.UninstallAsync(env, names, cancellationToken), cancellationToken);

    public Task<ModuleOperationResult> UpgradeAsync(string database, IEnumerable<string> names, CancellationToken cancellationToken) =>
        RunAsync(database, env => modules.Installer.UpgradeAsync(env, names, cancellationToken), cancellationToken);

    public Task<(int Updated, int Added)> UpdateListAsync(string database, CancellationToken cancellationToken) =>
        RunAsync(database, env => modules.Installer.UpdateListAsync(env, reload: true, cancellationToken), cancellationToken);

    private Task<T> RunAsync<T>(string database, Func<OrmEnvironment, Task<T>> work, CancellationToken cancellationToken) =>
        orm.RunAsync(database, OrmEnvironment.SuperuserId, write: true, work, cancellationToken);
}
