using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using SaasPortal.Orm;
using SaasPortal.Orm.Service;
using SaasPortal.Saas.Governance;
using SaasPortal.Storage.Databases;

namespace SaasPortal.Saas.Portal;

/// <summary>Settings of the scheduled backups.</summary>
public sealed record ScheduledBackupSettings
{
    /// <summary>The portal database whose clients are backed up.</summary>
    public required string PortalDatabase { get; init; }

    /// <summary>Folder of the archives, one sub-folder per tenant (<c>SaasPortal:BackupDir</c>, default <c>&lt;data dir&gt;/backups</c>).</summary>
    public required string Directory { get; init; }
}

/// <summary>What one backup step did.</summary>
public sealed record ScheduledBackupResult(int Written, int Pruned, int Failed);

/// <summary>
/// The maintenance pass's backup step: every live client whose plan asks for backups (<c>backup_interval</c>) and
/// whose newest <c>saas_portal.backup</c> is older than that interval gets a new archive in the format of
/// <see cref="DatabaseManager.DumpAsync"/> (the one <c>db backup</c> and <c>db.dump</c> write), recorded as a
/// <c>saas_portal.backup</c>; archives beyond the plan's <c>backup_keep</c> are then deleted with their records.
/// </summary>
/// <remarks>
/// The step runs inside the cluster-wide maintenance pass, so two nodes never back up one tenant at once. The dump
/// itself runs outside any portal transaction (a large tenant takes a while, and the portal keeps serving); only
/// choosing the due clients and recording each archive are portal transactions. A node that dies mid-step leaves at
/// most a <c>.partial</c> file (never a truncated archive under a final name) and the clients it had not reached
/// still due, so the next pass, on whichever node, carries on.
/// </remarks>
public sealed partial class ScheduledBackups(Func<OrmService> orm, DatabaseManager databases, ScheduledBackupSettings settings,
    TimeProvider time, ILogger<ScheduledBackups> logger)
{
    private const string BackupModel = "saas_portal.backup";
    private const string DatetimeFormat = "yyyy-MM-dd HH:mm:ss";

    /// <summary>How long a plan's <c>backup_interval</c> lasts; null for none (or anything unknown).</summary>
    public static TimeSpan? IntervalOf(string? backupInterval) => backupInterval switch
    {
        "hourly" => TimeSpan.FromHours(1),
        "daily" => TimeSpan.FromDays(1),
        "weekly" => TimeSpan.FromDays(7),
        _ => null,
    };

    /// <summary>Backs up every due client and prunes old archives; a client that fails is logged and skipped.</summary>
    public async Task<ScheduledBackupResult> RunAsync(CancellationToken cancellationToken)
    {
        var due = await orm().RunAsync(settings.PortalDatabase, OrmEnvironment.SuperuserId, write: false,
            env => DueClientsAsync(env, cancellationToken), cancellationToken);
        int written = 0, pruned = 0, failed = 0;
        foreach (var client in due)
        {
            try
            {
                var archive = await WriteArchiveAsync(client, cancellationToken);
                pruned += await orm().RunAsync(settings.PortalDatabase, OrmEnvironment.SuperuserId, write: true,
                    env => RecordAndPruneAsync(env, client, archive, cancellationToken), cancellationToken);
                written++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failed++;
                LogBackupFailed(logger, client.Database, e);
            }
        }

        return new ScheduledBackupResult(written, pruned, failed);
    }

    private async Task<List<DueClient>> DueClientsAsync(OrmEnvironment portal, CancellationToken cancellationToken)
    {
        var env = portal.Sudo();
        var now = time.GetUtcNow().UtcDateTime;
        var plans = new Dictionary<int, (TimeSpan Interval, int Keep)>();
        foreach (var plan in await (await env["saas_portal.plan"].SearchAsync(Wire.Domain(("backup_interval", "!=", "none")), cancellationToken))
                     .ReadAsync(["backup_interval", "backup_keep"], cancellationToken))
        {
            if (IntervalOf(Wire.Text(plan["backup_interval"])) is { } interval)
            {
                plans[(int)plan["id"]!] = (interval, Math.Max(1, Wire.Integer(plan["backup_keep"])));
            }
        }

        if (plans.Count == 0)
        {
            return [];
        }

        var due = new List<DueClient>();
        var clients = await env["saas_portal.client"].SearchAsync(Wire.Domain(
            ("state", "!=", "deleted"), ("plan_id", "in", plans.Keys.Cast<object?>().ToList())), cancellationToken, order: "id");
        foreach (var row in await clients.ReadAsync(["name", "plan_id"], cancellationToken))
        {
            var id = (int)row["id"]!;
            var (interval, keep) = plans[Wire.Many2oneId(row["plan_id"])!.Value];
            var newest = await env[BackupModel].SearchAsync(Wire.Domain(("client_id", "=", id)), cancellationToken, limit: 1, order: "backup_datetime desc, id desc");
            var last = newest.Count == 0 ? null : GovernanceParameters.ParseDatetime(Wire.Text(await newest.GetAsync("backup_datetime", cancellationToken)));
            if (last is null || now - last.Value >= interval)
            {
                due.Add(new DueClient(id, Wire.Text(row["name"])!, keep));
            }
        }

        return due;
    }

    private async Task<WrittenArchive> WriteArchiveAsync(DueClient client, CancellationToken cancellationToken)
    {
        // The name is a valid database name (checked again here), so it is a safe folder and file name.
        var database = DatabaseName.Validate(client.Database);
        var taken = time.GetUtcNow().UtcDateTime;
        var folder = Path.Combine(settings.Directory, database);
        Directory.CreateDirectory(folder);
        var relative = Path.Combine(database, $"{database}-{taken.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.zip");
        var file = Path.Combine(settings.Directory, relative);
        var temporary = file + ".partial-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            long length;
            byte[] hash;
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, useAsync: true))
            {
                await databases.DumpAsync(database, stream, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                length = stream.Length;
                stream.Position = 0;
                hash = await SHA256.HashDataAsync(stream, cancellationToken);
            }

            // Two passes within one second (only possible when an operator forces them) would collide: keep the first.
            File.Move(temporary, file, overwrite: false);
            return new WrittenArchive(relative, taken, length, Convert.ToHexStringLower(hash));
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private async Task<int> RecordAndPruneAsync(OrmEnvironment portal, DueClient client, WrittenArchive archive, CancellationToken cancellationToken)
    {
        var backups = portal.Sudo()[BackupModel];
        await backups.CreateAsync(Wire.Values(
            ("name", archive.RelativePath), ("client_id", client.Id), ("database", client.Database),
            ("backup_datetime", archive.Taken.ToString(DatetimeFormat, CultureInfo.InvariantCulture)),
            ("size", (double)archive.Bytes), ("sha256", archive.Sha256)), cancellationToken);

        var old = await backups.SearchAsync(Wire.Domain(("client_id", "=", client.Id)), cancellationToken, offset: client.Keep,
            order: "backup_datetime desc, id desc");
        if (old.Count == 0)
        {
            return 0;
        }

        foreach (var row in await old.ReadAsync(["name"], cancellationToken))
        {
            if (ArchivePath(Wire.Text(row["name"])) is { } path)
            {
                File.Delete(path);
            }
        }

        // Files go first: a crash in between leaves a record without its file (visible, harmless), never an
        // archive nobody prunes.
        await old.UnlinkAsync(cancellationToken);
        return old.Count;
    }

    /// <summary>The full path of a recorded archive, or null when the record points outside the backup directory.</summary>
    private string? ArchivePath(string? relative)
    {
        if (string.IsNullOrEmpty(relative))
        {
            return null;
        }

        var root = Path.GetFullPath(settings.Directory) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Combine(root, relative));
        return full.StartsWith(root, StringComparison.Ordinal) ? full : null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduled backup of {Database} failed; the next pass tries again")]
    private static partial void LogBackupFailed(ILogger logger, string database, Exception exception);

    private sealed record DueClient(int Id, string Database, int Keep);

    private sealed record WrittenArchive(string RelativePath, DateTime Taken, long Bytes, string Sha256);
}
