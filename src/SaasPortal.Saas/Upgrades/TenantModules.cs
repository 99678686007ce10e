using SaasPortal.Addons.Modules;
using SaasPortal.Orm;
using SaasPortal.Orm.Service;

namespace SaasPortal.Saas.Upgrades;

/// <summary>Module operations on a tenant through the module system, each in one transaction of its own as the superuser.</summary>
public sealed class TenantModules(Func<OrmService> orm, Func<ModuleSystem> modules) : ITenantModules
{
    /// <inheritdoc />
    public Task<string> UpdateListAsync(string database, CancellationToken cancellationToken) =>
        RunAsync(database, async env =>
        {
            var (updated, added) = await modules().Installer.UpdateListAsync(env, reload: true, cancellationToken);
            return $"{updated} updated, {added} added";
        }, cancellationToken);

    /// <inheritdoc />
    public Task<string> InstallAsync(string database, IReadOnlyList<string> names, CancellationToken cancellationToken) =>
        RunAsync(database, async env => Describe("installed", await modules().Installer.InstallAsync(env, names, cancellationToken)), cancellationToken);

    /// <inheritdoc />
    public Task<string> UninstallAsync(string database, IReadOnlyList<string> names, CancellationToken cancellationToken) =>
        RunAsync(database, async env => Describe("uninstalled", await modules().Installer.UninstallAsync(env, names, cancellationToken)), cancellationToken);

    /// <inheritdoc />
    public Task<string> UpgradeAsync(string database, IReadOnlyList<string> names, CancellationToken cancellationToken) =>
        RunAsync(database, async env => Describe("upgraded", await modules().Installer.UpgradeAsync(env, names, cancellationToken)), cancellationToken);

    private Task<string> RunAsync(string database, Func<OrmEnvironment, Task<string>> work, CancellationToken cancellationToken) =>
        orm().RunAsync(database, OrmEnvironment.SuperuserId, write: true, work, cancellationToken);

    private static string Describe(string verb, ModuleOperationResult result) =>
        result.Addons.Count == 0 ? $"nothing {verb}" : $"{verb}: {string.Join(", ", result.Addons)}";
}
