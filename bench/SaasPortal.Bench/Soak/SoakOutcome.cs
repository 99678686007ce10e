namespace SaasPortal.Bench.Soak;

/// <summary>What one soak found: calls by outcome, HTTP statuses, the ledger's verification and the memory series.</summary>
internal sealed record SoakOutcome
{
    public required int Tenants { get; init; }

    public required double ProvisioningSeconds { get; init; }

    public required double LoadSeconds { get; init; }

    public required IReadOnlyList<OperationFigures> Operations { get; init; }

    /// <summary>Unexpected faults, 5xx, broken connections and answers of the wrong shape.</summary>
    public required long Errors { get; init; }

    public required IReadOnlyList<string> FirstErrors { get; init; }

    /// <summary>Every HTTP answer the clients got, by status code.</summary>
    public required IReadOnlyDictionary<string, long> HttpStatuses { get; init; }

    public required long ClientSeen5xx { get; init; }

    /// <summary>The server's own count from ASP.NET Core's request metric; null when /metrics could not be read.</summary>
    public required long? ServerCounted5xx { get; init; }

    /// <summary>Reads of a client's own records checked against the ledger during the load.</summary>
    public required long ReadChecks { get; init; }

    public required IReadOnlyList<string> ReadViolations { get; init; }

    public required IReadOnlyList<TenantVerification> Verification { get; init; }

    /// <summary>Tenants whose owner is still refused after the final resume.</summary>
    public required IReadOnlyList<string> NotResumed { get; init; }

    public required IReadOnlyList<MemorySample> Memory { get; init; }

    /// <summary>Entries the server logged at Error or Critical during the run (its console log, Warning and above).</summary>
    public int ServerErrorsLogged { get; init; }

    public IReadOnlyList<string> FirstServerErrors { get; init; } = [];

    public IReadOnlyList<string> Violations => [.. Verification.SelectMany(v => v.Violations)];

    public MemoryTrend ResidentTrend => MemoryTrend.Judge([.. Memory.Select(s => (s.Seconds, (double)s.ResidentBytes))]);

    public MemoryTrend GcHeapTrend => MemoryTrend.Judge([.. Memory.Where(s => s.GcHeapBytes is not null).Select(s => (s.Seconds, (double)s.GcHeapBytes!.Value))]);

    /// <summary>The GC heap after full collections only (the live set), judged from the warm-up's end on; needs 3 such points.</summary>
    public MemoryTrend LiveHeapTrend => MemoryTrend.Judge(MemoryTrend.AfterFullCollections(Memory),
        warmupEndsAt: Memory.Count == 0 ? 0 : Memory[^1].Seconds * MemoryTrend.WarmupFraction, minimumSamples: 3);

    /// <summary>
    /// Flat when the RSS is and the GC heap's live set is (or, with too few full collections to tell, the GC heap as
    /// sampled); null when the run was too short to say.
    /// </summary>
    public bool? MemoryFlat => (ResidentTrend.Flat, LiveHeapTrend.Flat ?? GcHeapTrend.Flat) switch
    {
        (null, _) or (_, null) => null,
        (var rss, var heap) => rss.Value && heap.Value,
    };

    /// <summary>Nothing lost or half-applied, no 5xx, no unexpected error. Memory is judged apart (it needs a long run).</summary>
    public bool Verified => Violations.Count == 0 && ReadViolations.Count == 0 && NotResumed.Count == 0 && ClientSeen5xx == 0
        && (ServerCounted5xx ?? 0) == 0 && Errors == 0 && ServerErrorsLogged == 0;
}
