using System.Diagnostics;
using SaasPortal.Client;

namespace SaasPortal.Bench.Soak;

/// <summary>What every soak client shares: the tenants, the clients to call with, and where results go.</summary>
internal sealed class SoakShared
{
    public required IReadOnlyList<SoakTenant> Tenants { get; init; }

    /// <summary>The same server over XML-RPC and over JSON-RPC; even clients use the first, odd ones the second.</summary>
    public required IReadOnlyList<OdooClient> Protocols { get; init; }

    public required string PortalDatabase { get; init; }

    public required string AdminPassword { get; init; }

    public required string OwnerPassword { get; init; }

    public required int PortalAdminUid { get; init; }

    public required SoakOptions Options { get; init; }

    public OperationTally Tally { get; } = new();

    public System.Collections.Concurrent.ConcurrentBag<TrackedRecord> Records { get; } = [];

    public System.Collections.Concurrent.ConcurrentQueue<string> ReadViolations { get; } = new();

    public long ReadChecks;
}

/// <summary>
/// One closed-loop client: picks a random tenant and an operation, calls, records the outcome in the ledger, and
/// goes again until the run's time is up. It only ever writes and deletes records it created itself, one call at
/// a time, so every record's history is a sequence the ledger can replay; tenants are shared by all clients.
/// </summary>
internal sealed class SoakClient
{
    private static readonly string[] Fields = ["ref", "name", "function", "comment"];

    private readonly int _index;
    private readonly SoakShared _shared;
    private readonly Random _random;
    private readonly OdooClient _client;
    private readonly OdooSession _portalAdmin;
    private readonly Dictionary<string, List<TrackedRecord>> _mine = new(StringComparer.Ordinal);
    private int _created;

    public SoakClient(int index, SoakShared shared, int seed)
    {
        _index = index;
        _shared = shared;
        _random = new Random(seed);
        _client = shared.Protocols[index % shared.Protocols.Count];
        _portalAdmin = _client.Session(shared.PortalDatabase, shared.PortalAdminUid, shared.AdminPassword);
    }

    public async Task RunAsync(long stopAt, CancellationToken cancellationToken)
    {
        while (Stopwatch.GetTimestamp() < stopAt && !cancellationToken.IsCancellationRequested)
        {
            var tenant = _shared.Tenants[_random.Next(_shared.Tenants.Count)];
            if (tenant.MaybeSuspended && tenant.ResumeIsDue && tenant.TryClaim())
            {
                await ToggleAsync(tenant, suspend: false, cancellationToken);
                continue;
            }

            var roll = _random.Next(1000);
            if (roll < _shared.Options.SuspendPermille && !tenant.MaybeSuspended && tenant.TryClaim())
            {
                await ToggleAsync(tenant, suspend: true, cancellationToken);
                continue;
            }

            var session = _client.Session(tenant.Name, tenant.OwnerUid, _shared.OwnerPassword);
            var live = Mine(tenant).Where(r => r.IsLive).ToList();
            var pick = _random.Next(100);
            if (pick < 40)
            {
                await SearchReadAsync(tenant, session, cancellationToken);
            }
            else if (pick < 65 || live.Count == 0)
            {
                await CreateAsync(tenant, session, cancellationToken);
            }
            else if (pick < 85)
            {
                await WriteAsync(session, live[_random.Next(live.Count)], cancellationToken);
            }
            else
            {
                await UnlinkAsync(session, live[_random.Next(live.Count)], cancellationToken);
            }
        }
    }

    private List<TrackedRecord> Mine(SoakTenant tenant)
    {
        if (!_mine.TryGetValue(tenant.Name, out var records))
        {
            _mine[tenant.Name] = records = [];
        }

        return records;
    }

    private async Task SearchReadAsync(SoakTenant tenant, OdooSession session, CancellationToken cancellationToken)
    {
        var (outcome, rows) = await CallAsync(OperationKind.SearchRead, ct => session.Model("res.partner")
            .SearchReadAsync([new List<object?> { "ref", "like", $"w{_index}." }], Fields, ct), cancellationToken);
        if (outcome != Outcome.Acknowledged || rows is null)
        {
            return;
        }

        Interlocked.Increment(ref _shared.ReadChecks);
        foreach (var violation in LedgerVerifier.CheckRead(tenant.Name, Mine(tenant), [.. rows.Select(SoakRows.ToStored)]))
        {
            _shared.ReadViolations.Enqueue(violation);
        }
    }

    private async Task CreateAsync(SoakTenant tenant, OdooSession session, CancellationToken cancellationToken)
    {
        var record = new TrackedRecord(tenant.Name, $"w{_index}.{_created++}");
        Mine(tenant).Add(record);
        _shared.Records.Add(record);
        var state = RecordState.AtVersion(record.Reference, 0);
        var values = state.ToValues();
        values["ref"] = record.Reference;
        var (outcome, id) = await CallAsync(OperationKind.Create, ct => session.Model("res.partner").CreateAsync(values, ct), cancellationToken);
        record.Record(state, outcome, id);
    }

    private async Task WriteAsync(OdooSession session, TrackedRecord record, CancellationToken cancellationToken)
    {
        var state = RecordState.AtVersion(record.Reference, record.TakeNextVersion());
        var (outcome, _) = await CallAsync(OperationKind.Write, async ct =>
        {
            await session.Model("res.partner").WriteAsync([record.Id!.Value], state.ToValues(), ct);
            return true;
        }, cancellationToken);
        record.Record(state, outcome);
    }

    private async Task UnlinkAsync(OdooSession session, TrackedRecord record, CancellationToken cancellationToken)
    {
        var (outcome, _) = await CallAsync(OperationKind.Unlink, async ct =>
        {
            await session.Model("res.partner").UnlinkAsync([record.Id!.Value], ct);
            return true;
        }, cancellationToken);
        record.Record(RecordState.Absent, outcome);
    }

    private async Task ToggleAsync(SoakTenant tenant, bool suspend, CancellationToken cancellationToken)
    {
        try
        {
            var portal = _portalAdmin.Portal();
            var (outcome, _) = await CallAsync(suspend ? OperationKind.Suspend : OperationKind.Resume,
                ct => suspend ? portal.SuspendAsync(tenant.ClientRecordId, ct) : portal.ResumeAsync(tenant.ClientRecordId, ct), cancellationToken);
            switch (outcome)
            {
                case Outcome.Acknowledged when suspend:
                    // Held for 1–3 s so that some of the other clients' calls meet the suspension.
                    tenant.Suspended(TimeSpan.FromMilliseconds(_random.Next(1000, 3000)));
                    break;
                case Outcome.Acknowledged:
                    tenant.Resumed();
                    break;
                case Outcome.Unanswered:
                    // Maybe suspended: resume at once, to be sure.
                    tenant.Suspended(TimeSpan.Zero);
                    break;
                case Outcome.Refused:
                    break;
            }
        }
        finally
        {
            tenant.Release();
        }
    }

    private Task<(Outcome Outcome, T? Result)> CallAsync<T>(OperationKind kind, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        // Changes are sometimes abandoned after a random short wait: the request is cancelled wherever it is (sent,
        // running, committed but not yet answered), which is how unacknowledged writes happen in real life.
        var changes = kind is OperationKind.Create or OperationKind.Write or OperationKind.Unlink;
        if (changes && _random.Next(1000) < _shared.Options.AbandonPermille)
        {
            return SoakCall.RunAsync(_shared.Tally, TimeSpan.FromMilliseconds(_random.Next(1, 1000)), kind, call, cancellationToken, abandoning: true);
        }

        return SoakCall.RunAsync(_shared.Tally, _shared.Options.CallTimeout, kind, call, cancellationToken);
    }
}

/// <summary>One call under a timeout, classified into the ledger's outcomes and counted.</summary>
internal static class SoakCall
{
    /// <summary>What Odoo's governance says in a suspended tenant ("The database x is suspended. …").</summary>
    private const string SuspendedMarker = " is suspended";

    /// <param name="abandoning">The timeout is a deliberately short deadline: reaching it is counted as abandoned, not timed out.</param>
    public static async Task<(Outcome Outcome, T? Result)> RunAsync<T>(OperationTally tally, TimeSpan timeout, OperationKind kind,
        Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken, bool abandoning = false)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await call(deadline.Token);
            tally.Answered(kind, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return (Outcome.Acknowledged, result);
        }
        catch (OdooFaultException fault) when (fault.Message.Contains(SuspendedMarker, StringComparison.Ordinal))
        {
            tally.RefusedSuspended(kind);
            return (Outcome.Refused, default);
        }
        catch (OdooFaultException fault)
        {
            // Odoo rolls a faulted call back, so the ledger holds it to that: nothing of it may show at the end.
            tally.Error(kind, unanswered: false, $"fault {fault.FaultCode} {fault.ExceptionName}: {fault.Message}");
            return (Outcome.Refused, default);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            if (abandoning)
            {
                tally.Abandoned(kind);
                return (Outcome.Unanswered, default);
            }

            tally.TimedOut(kind);
            return (Outcome.Unanswered, default);
        }
        catch (HttpRequestException e)
        {
            tally.Error(kind, unanswered: true, e.StatusCode is { } status ? $"HTTP {(int)status}: {e.Message}" : $"transport: {e.Message}");
            return (Outcome.Unanswered, default);
        }
        catch (Exception e) when (e is IOException or FormatException or InvalidCastException or System.Text.Json.JsonException)
        {
            tally.Error(kind, unanswered: true, $"{e.GetType().Name}: {e.Message}");
            return (Outcome.Unanswered, default);
        }
    }
}

/// <summary>Rows of search_read as the ledger's stored records.</summary>
internal static class SoakRows
{
    public static StoredRecord ToStored(IReadOnlyDictionary<string, object?> row) => new(
        Convert.ToInt32(row["id"], System.Globalization.CultureInfo.InvariantCulture),
        row.GetValueOrDefault("ref") as string ?? "",
        row.GetValueOrDefault("name") as string,
        row.GetValueOrDefault("function") as string,
        row.GetValueOrDefault("comment") as string);
}
