using System.Data.Common;
using Microsoft.Extensions.Logging;
using SaasPortal.Addons.Catalogue;
using SaasPortal.Addons.Modules;
using SaasPortal.Orm;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Service;
using SaasPortal.Saas.Upgrades;
using SaasPortal.Storage.Databases;

namespace SaasPortal.Saas.Recovery;

/// <summary>The portal database the recovery settles operations in.</summary>
public sealed record CrashRecoverySettings
{
    public required string PortalDatabase { get; init; }
}

/// <summary>What one recovery pass found and did.</summary>
/// <param name="Settled">Journal entries settled: operations found committed, or recorded as failed and cleaned up.</param>
/// <param name="Failed">Of those, operations recorded as failed.</param>
/// <param name="DroppedDatabases">Half-made databases dropped (named by a journal entry, never recorded, still with the template's or their own new identity).</param>
/// <param name="MissingDatabases">Client records marked deleted because their database is gone.</param>
/// <param name="ModuleStatesFixed">Databases whose modules were left 'to install', 'to upgrade' or 'to remove' and were finished or reset.</param>
/// <param name="Leftovers">Temporary files and folders of interrupted copies and restores removed.</param>
/// <param name="Orphans">Databases that no client, plan or journal entry accounts for: reported, never dropped.</param>
public sealed record CrashRecoveryReport(int Settled, int Failed, int DroppedDatabases, int MissingDatabases, int ModuleStatesFixed, int Leftovers,
    IReadOnlyList<string> Orphans);

/// <summary>
/// Brings the portal and its client databases back to a consistent state after a crash, at start-up (before the
/// server listens) and as a step of the maintenance pass:
/// <list type="bullet">
/// <item>every abandoned journal entry (<see cref="OperationJournal"/>) is settled: if the operation's
/// <c>saas_portal.operation</c> row exists its outcome was committed and the entry just goes; otherwise the operation
/// is recorded as failed, and a creation's half-made database is dropped — only when no client record has that name
/// and the database still carries the template's identity or the new client's (or is not even initialised), so a
/// database that is not provably this creation's own is left alone and reported;</item>
/// <item>client records whose database no longer exists are marked deleted (a drop that was not committed in the
/// portal), with a failed operation row saying so;</item>
/// <item>modules left 'to install', 'to upgrade' or 'to remove' are finished, as Odoo's registry does on load (it
/// installs, upgrades and uninstalls what is marked), and reset when that fails, as Odoo's
/// <c>reset_modules_state</c> does ('to install' → uninstalled, the others → installed);</item>
/// <item>temporary files of interrupted copies and restores are removed.</item>
/// </list>
/// </summary>
public sealed partial class CrashRecovery(
    Func<OrmService> orm, Func<ModuleSystem> modules, DatabaseManager databases, OperationJournal journal, TenantUpgrader upgrader,
    CrashRecoverySettings settings, TimeProvider time, ILogger<CrashRecovery> logger)
{
    private const string ClientModel = "saas_portal.client";
    private static readonly string[] TransientStates = ["to install", "to upgrade", "to remove"];

    /// <summary>Clients found without a database by the previous maintenance pass (see <see cref="CheckClientDatabasesAsync"/>).</summary>
    private HashSet<string> _missingLastPass = new(StringComparer.Ordinal);

    /// <summary>
    /// <see cref="RunAsync"/>, logging instead of throwing when the pass cannot complete (the portal database is
    /// unreachable, or not upgraded yet to have <c>saas_portal.operation</c>): the next pass tries again, and the
    /// rest of the start-up or maintenance pass goes on. Returns null then.
    /// </summary>
    public async Task<CrashRecoveryReport?> TryRunAsync(bool startup, CancellationToken cancellationToken)
    {
        try
        {
            return await RunAsync(startup, cancellationToken);
        }
        catch (Exception e) when (e is OdooException or DbException or IOException)
        {
            LogPassFailed(logger, e);
            return null;
        }
    }

    /// <summary>
    /// One pass. At start-up (<paramref name="startup"/>) temporary files are removed whatever their age and module
    /// states are checked in the databases of settled operations only; the maintenance pass leaves temporary files
    /// younger than an hour (another node may be writing them) and checks every live client's modules.
    /// </summary>
    public async Task<CrashRecoveryReport> RunAsync(bool startup, CancellationToken cancellationToken)
    {
        await journal.RemoveTornWritesAsync(startup, cancellationToken);
        var leftovers = databases.RemoveLeftovers(startup ? TimeSpan.Zero : TimeSpan.FromHours(1));
        int settled = 0, failed = 0, dropped = 0, fixedStates = 0;
        var touched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in await journal.ReadAbandonedAsync(cancellationToken))
        {
            var outcome = await SettleAsync(entry, interrupted: true, cancellationToken);
            settled += outcome.Settled ? 1 : 0;
            failed += outcome.Failed ? 1 : 0;
            dropped += outcome.Dropped ? 1 : 0;
            touched.Add(entry.Database);
        }

        var (missing, liveClients, orphans) = await CheckClientDatabasesAsync(startup, cancellationToken);
        foreach (var database in startup ? touched : liveClients.Union(touched, StringComparer.Ordinal))
        {
            fixedStates += await FinishModuleStatesAsync(database, cancellationToken) ? 1 : 0;
        }

        var report = new CrashRecoveryReport(settled, failed, dropped, missing, fixedStates, leftovers, orphans);
        if (settled + missing + fixedStates + leftovers > 0 || orphans.Count > 0)
        {
            LogReport(logger, settled, failed, dropped, missing, fixedStates, leftovers, string.Join(", ", orphans));
        }

        return report;
    }

    /// <summary>
    /// Settles one operation whose process no longer works on it: interrupted by a crash, or ended (failed or rolled
    /// back) in this process. Never throws for the operation's own state: a settlement that cannot complete (the
    /// portal is unreachable) keeps the entry for the next pass.
    /// </summary>
    public async Task<SettleOutcome> SettleAsync(JournalEntry entry, bool interrupted, CancellationToken cancellationToken)
    {
        try
        {
            var (recorded, clientNamed) = await orm().RunAsync(settings.PortalDatabase, OrmEnvironment.SuperuserId, write: false, async env =>
                (await OperationLog.IsRecordedAsync(env, entry, cancellationToken),
                    await env.Sudo()[ClientModel].SearchCountAsync(Wire.Domain(("name", "=", entry.Database)), cancellationToken) > 0),
                cancellationToken);
            if (recorded)
            {
                journal.Delete(entry);
                return new SettleOutcome(Settled: true, Failed: false, Dropped: false);
            }

            var cause = interrupted
                ? "Interrupted: the server stopped before the operation finished."
                : "Failed: " + (entry.Error ?? "the portal's transaction was rolled back.");
            var dropped = false;
            var notes = new List<string> { cause };
            if (entry.Steps.Count > 0)
            {
                notes.Add($"Steps committed before: {string.Join(", ", entry.Steps)}.");
            }

            if (entry.Operation == OperationNames.CreateDatabase && await databases.ExistsAsync(entry.Database, cancellationToken))
            {
                if (!clientNamed && await IsHalfMadeCopyAsync(entry, cancellationToken))
                {
                    await databases.DropAsync(entry.Database, cancellationToken);
                    orm().ForgetDatabase(entry.Database);
                    dropped = true;
                    notes.Add($"The half-made database {entry.Database} was dropped.");
                }
                else
                {
                    notes.Add($"The database {entry.Database} was left in place: it is not provably this creation's copy.");
                }
            }

            int? clientRecordId = entry.ClientRecordId;
            await orm().RunAsync(settings.PortalDatabase, OrmEnvironment.SuperuserId, write: true, async env =>
            {
                if (entry.Operation == OperationNames.UpgradeDatabase && clientRecordId is { } id
                    && await databases.ExistsAsync(entry.Database, cancellationToken))
                {
                    // The tenant's committed steps may have changed what the client record mirrors (limits, suspension).
                    await ResyncAsync(env, id, entry.Database, notes, cancellationToken);
                }

                await OperationLog.RecordFailedAsync(env, entry, string.Join(" ", notes), clientRecordId, time.GetUtcNow().UtcDateTime, cancellationToken);
                return 0;
            }, cancellationToken);
            journal.Delete(entry);
            if (interrupted)
            {
                LogSettledInterrupted(logger, entry.Operation, entry.Database, string.Join(" ", notes));
            }
            else
            {
                // The caller got the error already: the record is for the operator, the log need not shout.
                LogSettledFailed(logger, entry.Operation, entry.Database, string.Join(" ", notes));
            }
            return new SettleOutcome(Settled: true, Failed: true, Dropped: dropped);
        }
        catch (Exception e) when (e is OdooException or DbException or IOException)
        {
            journal.Release(entry);
            LogSettleFailed(logger, entry.Operation, entry.Database, e);
            return new SettleOutcome(Settled: false, Failed: false, Dropped: false);
        }
    }

    private async Task ResyncAsync(OrmEnvironment portal, int clientRecordId, string database, List<string> notes, CancellationToken cancellationToken)
    {
        try
        {
            await upgrader.ApplyAsync(portal, clientRecordId, database, UpgradeRequest.Parse(new Dictionary<string, object?>()), cancellationToken);
        }
        catch (Exception e) when (e is OdooException or DbException)
        {
            notes.Add($"The client record could not be synchronised: {e.Message}");
        }
    }

    /// <summary>
    /// Whether the database named by a creation's entry is that creation's own unfinished copy: it still has the
    /// template's identity (the set-up never committed) or the new client's (set up, but the portal never recorded
    /// it), or it is not an initialised database at all (a placeholder of an interrupted copy).
    /// </summary>
    private async Task<bool> IsHalfMadeCopyAsync(JournalEntry entry, CancellationToken cancellationToken)
    {
        var identity = await ReadIdentityAsync(entry.Database, cancellationToken);
        if (identity is null)
        {
            return true;
        }

        if (entry.ClientUuid is { } uuid && string.Equals(identity, uuid, StringComparison.Ordinal))
        {
            return true;
        }

        return entry.Template is { } template && await databases.ExistsAsync(template, cancellationToken)
            && string.Equals(identity, await ReadIdentityAsync(template, cancellationToken), StringComparison.Ordinal);
    }

    /// <summary>The database's <c>database.uuid</c>, "" when it has none, null when it cannot be opened as a database of ours.</summary>
    private async Task<string?> ReadIdentityAsync(string database, CancellationToken cancellationToken)
    {
        try
        {
            return await orm().RunAsync(database, OrmEnvironment.SuperuserId, write: false,
                async env => await ConfigParameters.GetAsync(env, SaasParameters.DatabaseUuid, cancellationToken) ?? "", cancellationToken);
        }
        catch (Exception e) when (e is OdooException or DbException)
        {
            return null;
        }
    }

    /// <summary>
    /// Marks clients without a database deleted; returns their count, the live clients' databases and the orphans.
    /// At start-up a missing database is final. While the server runs, a rename or drop on another node (PostgreSQL)
    /// moves the database before its portal transaction commits, so the maintenance pass marks a client only when its
    /// database was already missing in the previous pass, an interval earlier.
    /// </summary>
    private async Task<(int Missing, List<string> Live, List<string> Orphans)> CheckClientDatabasesAsync(bool startup, CancellationToken cancellationToken)
    {
        var missingNow = new HashSet<string>(StringComparer.Ordinal);
        var existing = (await databases.ListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var pendingEntries = (await journal.ReadAllAsync(cancellationToken)).Select(e => e.Database).ToHashSet(StringComparer.Ordinal);
        var result = await orm().RunAsync(settings.PortalDatabase, OrmEnvironment.SuperuserId, write: true, async env =>
        {
            var clients = env.Sudo()[ClientModel];
            var rows = await (await clients.SearchAsync(new List<object?>(), cancellationToken, order: "id")).ReadAsync(["name", "state", "client_id"], cancellationToken);
            var known = new HashSet<string>(StringComparer.Ordinal) { settings.PortalDatabase };
            foreach (var template in await (await env.Sudo()["saas_portal.database"].SearchAsync(new List<object?>(), cancellationToken)).ReadAsync(["name"], cancellationToken))
            {
                known.Add(Wire.Text(template["name"]) ?? "");
            }

            var live = new List<string>();
            var missing = 0;
            foreach (var row in rows)
            {
                var name = Wire.Text(row["name"])!;
                known.Add(name);
                if (Wire.Text(row["state"]) == "deleted")
                {
                    continue;
                }

                if (existing.Contains(name))
                {
                    live.Add(name);
                    continue;
                }

                if (pendingEntries.Contains(name))
                {
                    // An operation on it is still running: not ours to judge yet.
                    continue;
                }

                missingNow.Add(name);
                if (!startup && !_missingLastPass.Contains(name))
                {
                    continue;
                }

                var id = Wire.Integer(row["id"]);
                await clients.Browse(id).WriteAsync(Wire.Values(("state", "deleted")), cancellationToken);
                var entry = new JournalEntry
                {
                    Id = Guid.NewGuid().ToString("N"), Operation = OperationNames.Reconcile, Database = name, ClientUuid = Wire.Text(row["client_id"]),
                    ClientRecordId = id, StartedUtc = time.GetUtcNow().UtcDateTime, Host = Environment.MachineName, ProcessId = Environment.ProcessId,
                    Instance = "recovery",
                };
                await OperationLog.RecordFailedAsync(env, entry,
                    $"The database {name} does not exist: the client was marked deleted (a drop or rename that the portal never recorded).",
                    id, time.GetUtcNow().UtcDateTime, cancellationToken);
                missing++;
            }

            var orphans = existing.Where(d => !known.Contains(d) && !pendingEntries.Contains(d)).Order(StringComparer.Ordinal).ToList();
            return (missing, live, orphans);
        }, cancellationToken);
        _missingLastPass = missingNow;
        return result;
    }

    /// <summary>Finishes (or, failing that, resets) modules left in a transient state; true when there were any.</summary>
    private async Task<bool> FinishModuleStatesAsync(string database, CancellationToken cancellationToken)
    {
        if (!await databases.ExistsAsync(database, cancellationToken))
        {
            return false;
        }

        Dictionary<string, List<string>> marked;
        try
        {
            marked = await orm().RunAsync(database, OrmEnvironment.SuperuserId, write: false, async env =>
            {
                var rows = await (await env.Sudo()["ir.module.module"].SearchAsync(
                    Wire.Domain(("state", "in", TransientStates.Cast<object?>().ToList())), cancellationToken)).ReadAsync(["name", "state"], cancellationToken);
                return rows.GroupBy(r => Wire.Text(r["state"])!, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.Select(r => Wire.Text(r["name"])!).ToList(), StringComparer.Ordinal);
            }, cancellationToken);
        }
        catch (Exception e) when (e is OdooException or DbException)
        {
            LogModuleCheckFailed(logger, database, e.Message);
            return false;
        }

        if (marked.Count == 0)
        {
            return false;
        }

        var described = string.Join("; ", marked.Select(m => $"{m.Key}: {string.Join(", ", m.Value)}"));
        try
        {
            await orm().RunAsync(database, OrmEnvironment.SuperuserId, write: true, async env =>
            {
                var installer = modules().Installer;
                if (marked.TryGetValue("to install", out var install))
                {
                    await installer.InstallAsync(env, install, cancellationToken);
                }

                if (marked.TryGetValue("to upgrade", out var upgrade))
                {
                    await installer.UpgradeAsync(env, upgrade, cancellationToken);
                }

                if (marked.TryGetValue("to remove", out var remove))
                {
                    await installer.UninstallAsync(env, remove, cancellationToken);
                }

                return 0;
            }, cancellationToken);
            LogModulesFinished(logger, database, described);
        }
        catch (Exception e) when (e is OdooException or DbException or AddonDependencyException)
        {
            await orm().RunAsync(database, OrmEnvironment.SuperuserId, write: true, async env =>
            {
                var module = env.Sudo()["ir.module.module"];
                var back = await module.SearchAsync(Wire.Domain(("state", "in", new List<object?> { "to upgrade", "to remove" })), cancellationToken);
                await back.WriteAsync(Wire.Values(("state", "installed")), cancellationToken);
                var never = await module.SearchAsync(Wire.Domain(("state", "=", "to install")), cancellationToken);
                await never.WriteAsync(Wire.Values(("state", "uninstalled")), cancellationToken);
                return 0;
            }, cancellationToken);
            LogModulesReset(logger, database, described, e.Message);
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Crash recovery: {Settled} operations settled ({Failed} failed, {Dropped} half-made databases dropped), {Missing} clients without a database marked deleted, {Modules} databases with modules left mid-change, {Leftovers} temporary leftovers removed; orphan databases (not dropped): [{Orphans}]")]
    private static partial void LogReport(ILogger logger, int settled, int failed, int dropped, int missing, int modules, int leftovers, string orphans);

    [LoggerMessage(Level = LogLevel.Error, Message = "Crash recovery pass failed (is the portal upgraded? serve --upgrade); the next pass tries again")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Operation {Operation} on {Database} did not finish: {Notes}")]
    private static partial void LogSettledInterrupted(ILogger logger, string operation, string database, string notes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Operation {Operation} on {Database} failed and was recorded: {Notes}")]
    private static partial void LogSettledFailed(ILogger logger, string operation, string database, string notes);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not settle operation {Operation} on {Database}; the next pass tries again")]
    private static partial void LogSettleFailed(ILogger logger, string operation, string database, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Modules of {Database} were left mid-change ({Modules}) and were finished")]
    private static partial void LogModulesFinished(ILogger logger, string database, string modules);

    [LoggerMessage(Level = LogLevel.Error, Message = "Modules of {Database} were left mid-change ({Modules}); finishing failed ({Reason}), their states were reset")]
    private static partial void LogModulesReset(ILogger logger, string database, string modules, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not check the module states of {Database}: {Reason}")]
    private static partial void LogModuleCheckFailed(ILogger logger, string database, string reason);
}

/// <summary>What settling one journal entry did.</summary>
public sealed record SettleOutcome(bool Settled, bool Failed, bool Dropped);

/// <summary>The operation names used in the journal and in <c>saas_portal.operation</c>.</summary>
public static class OperationNames
{
    public const string CreateDatabase = "create_database";
    public const string UpgradeDatabase = "upgrade_database";
    public const string BackupDatabase = "backup_database";
    public const string Reconcile = "reconcile";
}
