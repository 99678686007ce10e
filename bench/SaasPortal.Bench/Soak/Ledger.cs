namespace SaasPortal.Bench.Soak;

/// <summary>What a client learnt of one call it made.</summary>
internal enum Outcome
{
    /// <summary>The server answered with a result: the change is committed.</summary>
    Acknowledged,

    /// <summary>The server answered with a fault: nothing of the call may be applied.</summary>
    Refused,

    /// <summary>No answer (timeout, broken connection, 5xx): the change is either wholly applied or wholly absent.</summary>
    Unanswered,
}

/// <summary>A state a soak record may be found in: absent, or present with exactly these values.</summary>
internal sealed record RecordState(bool Present, string? Name, string? Function, string? Comment)
{
    public static RecordState Absent { get; } = new(false, null, null, null);

    /// <summary>The values the client writes at <paramref name="version"/> (0: the create); every field changes together.</summary>
    public static RecordState AtVersion(string reference, int version) =>
        new(true, $"Soak {reference} v{version}", $"v{version}", $"{reference} at v{version}");

    public Dictionary<string, object?> ToValues() => new(StringComparer.Ordinal) { ["name"] = Name, ["function"] = Function, ["comment"] = Comment };

    public override string ToString() => Present ? $"({Name} | {Function} | {Comment})" : "absent";
}

/// <summary>
/// One res.partner a client created (or tried to) in one tenant, identified by its unique <c>ref</c>, and every
/// state the ledger allows it to end in. Only its own client touches it, one call at a time, so its history is a
/// sequence: an acknowledged call fixes the state, a refused one leaves it, an unanswered one adds its outcome as
/// a second possibility and freezes the record (its client never touches it again, so the two stay the only ones).
/// </summary>
internal sealed class TrackedRecord(string tenant, string reference)
{
    private readonly List<RecordState> _allowed = [RecordState.Absent];
    private int _nextVersion = 1;

    public string Tenant { get; } = tenant;

    /// <summary>The record's <c>ref</c>, unique in its tenant: <c>w&lt;client&gt;.&lt;n&gt;</c>.</summary>
    public string Reference { get; } = reference;

    /// <summary>The id the create answered; null until then (and forever when the create went unanswered).</summary>
    public int? Id { get; private set; }

    /// <summary>An unanswered call left the state open: the record is no longer written, deleted or read-checked.</summary>
    public bool Frozen { get; private set; }

    /// <summary>The states the record may be found in at the end.</summary>
    public IReadOnlyList<RecordState> Allowed => _allowed;

    /// <summary>The one known state (valid while not frozen).</summary>
    public RecordState Known => _allowed[^1];

    public bool IsLive => !Frozen && Id is not null && Known.Present;

    public void Record(RecordState next, Outcome outcome, int? createdId = null)
    {
        if (Frozen)
        {
            throw new InvalidOperationException($"{Reference} is frozen: its client must not touch it again.");
        }

        switch (outcome)
        {
            case Outcome.Acknowledged:
                _allowed.Clear();
                _allowed.Add(next);
                Id ??= createdId;
                break;
            case Outcome.Unanswered:
                _allowed.Add(next);
                Frozen = true;
                break;
            case Outcome.Refused:
                break;
        }
    }

    /// <summary>The version the next write sets (1, 2, …): never reused, so every write's values are distinct.</summary>
    public int TakeNextVersion() => _nextVersion++;
}

/// <summary>A soak record as the database holds it.</summary>
internal sealed record StoredRecord(int Id, string Reference, string? Name, string? Function, string? Comment)
{
    public RecordState State => new(true, Name, Function, Comment);
}

/// <summary>How one tenant's records compare with the ledger.</summary>
internal sealed record TenantVerification(string Tenant, int Tracked, int Present, int Absent, int OpenResolvedApplied, int OpenResolvedAbsent,
    IReadOnlyList<string> Violations);

/// <summary>The end-of-run check: every tracked record is in one of its allowed states, and nothing else was written.</summary>
internal static class LedgerVerifier
{
    public static TenantVerification Verify(string tenant, IReadOnlyCollection<TrackedRecord> ledger, IReadOnlyList<StoredRecord> stored)
    {
        var violations = new List<string>();
        var byReference = stored.GroupBy(r => r.Reference, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var tracked = ledger.Select(r => r.Reference).ToHashSet(StringComparer.Ordinal);
        foreach (var (reference, rows) in byReference)
        {
            if (!tracked.Contains(reference))
            {
                violations.Add($"{tenant}: record {reference} (id {rows[0].Id}) exists but no create of it was ever sent or it was refused");
            }
        }

        int present = 0, absent = 0, openApplied = 0, openAbsent = 0;
        foreach (var record in ledger)
        {
            var rows = byReference.GetValueOrDefault(record.Reference) ?? [];
            if (rows.Count > 1)
            {
                violations.Add($"{tenant}: {record.Reference} exists {rows.Count} times (ids {string.Join(", ", rows.Select(r => r.Id))})");
                continue;
            }

            var actual = rows.Count == 0 ? RecordState.Absent : rows[0].State;
            if (rows.Count == 1 && record.Id is { } id && rows[0].Id != id)
            {
                violations.Add($"{tenant}: {record.Reference} has id {rows[0].Id}, its create answered {id}");
            }

            if (!record.Allowed.Contains(actual))
            {
                var expected = string.Join(" or ", record.Allowed);
                violations.Add($"{tenant}: {record.Reference} is {actual}, the ledger allows {expected}");
                continue;
            }

            if (actual.Present)
            {
                present++;
            }
            else
            {
                absent++;
            }

            if (record.Allowed.Count > 1)
            {
                // The unanswered call's outcome is the last allowed state: it was applied, or it left no trace.
                if (actual == record.Allowed[^1])
                {
                    openApplied++;
                }
                else
                {
                    openAbsent++;
                }
            }
        }

        return new TenantVerification(tenant, ledger.Count, present, absent, openApplied, openAbsent, violations);
    }

    /// <summary>
    /// A client's read of its own records in a tenant, taken while it is the only one writing them: every record it
    /// knows the state of must read back exactly so (an acknowledged write is visible to the next call).
    /// </summary>
    public static IEnumerable<string> CheckRead(string tenant, IEnumerable<TrackedRecord> mine, IReadOnlyList<StoredRecord> read)
    {
        var byReference = read.ToLookup(r => r.Reference, StringComparer.Ordinal);
        foreach (var record in mine.Where(r => !r.Frozen))
        {
            var rows = byReference[record.Reference].ToList();
            var actual = rows.Count == 0 ? RecordState.Absent : rows[0].State;
            if (rows.Count > 1 || actual != record.Known)
            {
                yield return $"{tenant}: read {record.Reference} as {actual} ({rows.Count} rows) right after the ledger recorded {record.Known}";
            }
        }
    }
}
