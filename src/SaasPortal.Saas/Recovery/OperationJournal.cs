using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace SaasPortal.Saas.Recovery;

/// <summary>Where the journal lives and how long another host's entries are trusted to belong to a live operation.</summary>
public sealed record OperationJournalSettings
{
    /// <summary>The journal folder, <c>&lt;data dir&gt;/journal</c>: shared by the nodes that share the data directory.</summary>
    public required string Directory { get; init; }

    /// <summary>
    /// Entries written by another host are settled only once they are this old, because this node cannot tell whether
    /// that host is still working on them. Six hours unless configured (no operation takes that long).
    /// </summary>
    public TimeSpan ForeignEntryTimeout { get; init; } = TimeSpan.FromHours(6);
}

/// <summary>
/// One operation that was started and has not been settled yet: what it is about, who runs it, what it has done.
/// Written to disk before the operation touches anything, so that a process killed at any later point leaves it.
/// </summary>
public sealed record JournalEntry
{
    /// <summary>Unique id; also the <c>reference</c> of the operation's <c>saas_portal.operation</c> row.</summary>
    public required string Id { get; init; }

    /// <summary>The operation, e.g. <c>create_database</c>, <c>upgrade_database</c>, <c>backup_database</c>.</summary>
    public required string Operation { get; init; }

    /// <summary>The client database the operation works on (for a creation: the one it is about to make).</summary>
    public required string Database { get; init; }

    /// <summary>The client's <c>client_id</c> (database.uuid), when known.</summary>
    public string? ClientUuid { get; init; }

    /// <summary>The client record's id, when it exists already.</summary>
    public int? ClientRecordId { get; init; }

    /// <summary>For a creation: the template copied; a copy not yet set up still carries the template's identity.</summary>
    public string? Template { get; init; }

    public required DateTime StartedUtc { get; init; }

    public required string Host { get; init; }

    public required int ProcessId { get; init; }

    /// <summary>A random id of the writing process, so a restarted server that got the same pid (pid 1 in a container) is told apart.</summary>
    public required string Instance { get; init; }

    /// <summary>Steps the operation finished (committed) so far, in order.</summary>
    public IReadOnlyList<string> Steps { get; init; } = [];

    /// <summary>The error that ended the operation, when it failed while the process was alive.</summary>
    public string? Error { get; init; }
}

/// <summary>
/// The crash journal of long operations on client databases. The portal database cannot hold it: on SQLite the
/// call's own write transaction has the portal's write lock for the whole call, so a second transaction there would
/// wait for it. Each entry is a small JSON file in <c>&lt;data dir&gt;/journal</c>, written to a temporary name,
/// flushed to disk and renamed, so it is either whole or absent. The operation deletes its entry once its outcome is
/// durable in the portal (a <c>saas_portal.operation</c> row committed with the operation's own changes); whatever
/// is left is settled by <see cref="CrashRecovery"/>.
/// </summary>
public sealed class OperationJournal
{
    private const string Extension = ".json";
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly OperationJournalSettings _settings;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);
    private readonly string _instance = Guid.NewGuid().ToString("N");
    private readonly string _host = Environment.MachineName;
    private readonly int _processId = Environment.ProcessId;

    /// <summary>Creates the journal over <see cref="OperationJournalSettings.Directory"/>.</summary>
    public OperationJournal(OperationJournalSettings settings, TimeProvider time)
    {
        _settings = settings;
        _time = time;
    }

    /// <summary>The journal folder.</summary>
    public string Directory => _settings.Directory;

    /// <summary>Writes the entry of an operation about to start, durably, and returns its handle.</summary>
    public async Task<PendingOperation> BeginAsync(string operation, string database, CancellationToken cancellationToken,
        string? clientUuid = null, int? clientRecordId = null, string? template = null)
    {
        var entry = new JournalEntry
        {
            Id = Guid.NewGuid().ToString("N"),
            Operation = operation,
            Database = database,
            ClientUuid = clientUuid,
            ClientRecordId = clientRecordId,
            Template = template,
            StartedUtc = _time.GetUtcNow().UtcDateTime,
            Host = _host,
            ProcessId = _processId,
            Instance = _instance,
        };
        _inFlight[entry.Id] = 0;
        try
        {
            await WriteAsync(entry, cancellationToken);
        }
        catch
        {
            _inFlight.TryRemove(entry.Id, out _);
            throw;
        }

        return new PendingOperation(this, entry);
    }

    /// <summary>
    /// Entries whose operation is over without having been settled: written by this process and no longer running,
    /// by an earlier process on this host (same pid or not), or by another host longer ago than the timeout.
    /// </summary>
    public async Task<IReadOnlyList<JournalEntry>> ReadAbandonedAsync(CancellationToken cancellationToken) =>
        [.. (await ReadAllAsync(cancellationToken)).Where(IsAbandoned)];

    /// <summary>Every entry on disk: operations running (here or elsewhere) and abandoned ones.</summary>
    public async Task<IReadOnlyList<JournalEntry>> ReadAllAsync(CancellationToken cancellationToken)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var entries = new List<JournalEntry>();
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*" + Extension).Order(StringComparer.Ordinal))
        {
            var entry = await ReadAsync(file, cancellationToken);
            if (entry is null)
            {
                // Unreadable: never written by BeginAsync (which renames only whole files). Nothing refers to it.
                File.Delete(file);
                continue;
            }

            entries.Add(entry);
        }

        return entries;
    }

    /// <summary>
    /// Removes temporary files of entries that were never completed (a crash while writing one). A write takes
    /// milliseconds, so a temporary file seconds old was torn by a crash (ours or another node's); a younger one may
    /// be another node's write in progress. At start-up (<paramref name="startup"/>) young files are given those
    /// seconds instead of being left for the next pass: the crash this start follows may have torn one a moment ago.
    /// </summary>
    public async Task<int> RemoveTornWritesAsync(bool startup, CancellationToken cancellationToken)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return 0;
        }

        var age = TimeSpan.FromSeconds(2);
        var files = System.IO.Directory.GetFiles(Directory, "*.tmp");
        if (startup && files.Length > 0)
        {
            var youngest = files.Select(File.GetLastWriteTimeUtc).Max();
            var wait = youngest + age - DateTime.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }
        }

        var removed = 0;
        var cutoff = DateTime.UtcNow - age;
        foreach (var file in files)
        {
            // Gone meanwhile: another node's write that completed (renamed) while we waited.
            if (File.Exists(file) && File.GetLastWriteTimeUtc(file) < cutoff)
            {
                File.Delete(file);
                removed++;
            }
        }

        return removed;
    }

    /// <summary>Deletes a settled entry.</summary>
    public void Delete(JournalEntry entry)
    {
        File.Delete(PathOf(entry.Id));
        _inFlight.TryRemove(entry.Id, out _);
    }

    internal void Release(JournalEntry entry) => _inFlight.TryRemove(entry.Id, out _);

    internal bool IsOpen(JournalEntry entry) => File.Exists(PathOf(entry.Id));

    internal async Task WriteAsync(JournalEntry entry, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = PathOf(entry.Id);
        var temporary = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, useAsync: true))
            {
                await JsonSerializer.SerializeAsync(stream, entry, Json, cancellationToken);
                // Durable before the operation goes on: the entry must outlive a crash of the whole machine, not only of the process.
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private bool IsAbandoned(JournalEntry entry)
    {
        if (entry.Instance == _instance)
        {
            return !_inFlight.ContainsKey(entry.Id);
        }

        if (!string.Equals(entry.Host, _host, StringComparison.Ordinal))
        {
            return _time.GetUtcNow().UtcDateTime - entry.StartedUtc > _settings.ForeignEntryTimeout;
        }

        // Same host, another process: it is over unless that process still runs (our own pid means an earlier us).
        return entry.ProcessId == _processId || !IsRunning(entry.ProcessId);
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static async Task<JournalEntry?> ReadAsync(string file, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, useAsync: true);
            return await JsonSerializer.DeserializeAsync<JournalEntry>(stream, Json, cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private string PathOf(string id) => Path.Combine(Directory, id + Extension);
}

/// <summary>The handle of a journalled operation while its process runs it.</summary>
public sealed class PendingOperation
{
    private readonly OperationJournal _journal;

    internal PendingOperation(OperationJournal journal, JournalEntry entry)
    {
        _journal = journal;
        Entry = entry;
    }

    /// <summary>The entry as last written.</summary>
    public JournalEntry Entry { get; private set; }

    /// <summary>Records that <paramref name="step"/> is done (committed), so a later failure report can say how far it got.</summary>
    public async Task StepAsync(string step, CancellationToken cancellationToken)
    {
        Entry = Entry with { Steps = [.. Entry.Steps, step] };
        await _journal.WriteAsync(Entry, cancellationToken);
    }

    /// <summary>Keeps the error for the failure report (in memory: the entry on disk is settled by this process).</summary>
    public void Fail(Exception error) => Entry = Entry with { Error = error.Message };

    /// <summary>The operation finished and its outcome is durable elsewhere, or it never started: the entry goes.</summary>
    public void Close() => _journal.Delete(Entry);

    /// <summary>Whether the entry is still on disk (neither closed nor settled).</summary>
    public bool IsOpen => _journal.IsOpen(Entry);

    /// <summary>Leaves the entry to <see cref="CrashRecovery"/> (this process no longer works on it).</summary>
    public void Release() => _journal.Release(Entry);
}
