using System.Globalization;
using Microsoft.Extensions.Logging;
using SaasPortal.Addons.Catalogue;
using SaasPortal.Addons.Modules;
using SaasPortal.Orm;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Service;
using SaasPortal.Storage.Databases;

namespace SaasPortal.Server.Hosting;

/// <summary>
/// <c>serve --upgrade</c>: before the server listens, every database whose installed addons are older than the
/// addon files (the manifest's version differs from ir.module.module's <c>latest_version</c>) is upgraded, as Odoo's
/// <c>-u</c> does after a new release: new tables and columns, refreshed data. A database that fails stops the start.
/// </summary>
internal sealed partial class PendingUpgrades(DatabaseManager databases, ModuleSystem modules, OrmService orm, ILogger<PendingUpgrades> logger)
{
    /// <summary>Upgrades what is pending; returns the number of databases that failed (logged, not thrown).</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken) =>
        (await RunAsync(await databases.ListAsync(cancellationToken), null, cancellationToken)).Failed.Count;

    /// <summary>
    /// Upgrades what is pending in <paramref name="names"/>, calling <paramref name="done"/> after each database (for
    /// progress); failures are logged and reported, not thrown, so one broken database does not stop the others.
    /// </summary>
    public async Task<UpgradeReport> RunAsync(IReadOnlyList<string> names, Action<int>? done, CancellationToken cancellationToken)
    {
        var catalogue = await modules.ReloadCatalogueAsync(cancellationToken);
        var upgraded = new List<(string, IReadOnlyList<string>)>();
        var failures = new List<(string, string)>();
        var count = 0;
        foreach (var database in names)
        {
            try
            {
                var stale = await orm.RunAsync(database, OrmEnvironment.SuperuserId, write: false, async env =>
                {
                    var installed = await env.Sudo()["ir.module.module"].SearchAsync(
                        new List<object?> { new List<object?> { "state", "=", "installed" } }, cancellationToken);
                    return (await installed.ReadAsync(["name", "latest_version"], cancellationToken))
                        .Where(row => catalogue.Find((string)row["name"]!) is { } addon
                            && !string.Equals(addon.Manifest.Version, row["latest_version"] as string, StringComparison.Ordinal))
                        .Select(row => (string)row["name"]!)
                        .Order(StringComparer.Ordinal)
                        .ToList();
                }, cancellationToken);
                if (stale.Count > 0)
                {
                    var result = await orm.RunAsync(database, OrmEnvironment.SuperuserId, write: true,
                        env => modules.Installer.UpgradeAsync(env, stale, cancellationToken), cancellationToken);
                    orm.ForgetDatabase(database);
                    upgraded.Add((database, [.. result.Addons]));
                    LogUpgraded(logger, database, string.Join(", ", result.Addons));
                }
            }
            catch (Exception e) when (e is OdooException or System.Data.Common.DbException or AddonDependencyException)
            {
                failures.Add((database, e.Message));
                LogFailed(logger, database, e.Message);
            }

            done?.Invoke(++count);
        }

        return new UpgradeReport(upgraded, failures);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Upgraded {Database}: {Addons}")]
    private static partial void LogUpgraded(ILogger logger, string database, string addons);

    [LoggerMessage(Level = LogLevel.Error, Message = "Upgrading {Database} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string database, string reason);
}

/// <summary>What one upgrade pass did: the databases upgraded with their addons, and those that failed with the reason.</summary>
internal sealed record UpgradeReport(IReadOnlyList<(string Database, IReadOnlyList<string> Addons)> Upgraded, IReadOnlyList<(string Database, string Reason)> Failed);
