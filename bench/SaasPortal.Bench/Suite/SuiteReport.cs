using SaasPortal.Bench.Http;

namespace SaasPortal.Bench.Suite;

/// <summary>Everything one <c>all</c> run measured; serialised as bench/results/&lt;date&gt;.json.</summary>
internal sealed record SuiteReport
{
    public required DateTimeOffset StartedAt { get; init; }

    public required double WallSeconds { get; init; }

    public required MachineInfo Machine { get; init; }

    public required SuiteOptions Options { get; init; }

    /// <summary>The command line after <c>all</c>, as given.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    public required IReadOnlyList<BackendReport> Backends { get; init; }

    public required MemoryFigure? Memory { get; init; }

    public required TenantScaleFigure? TenantScale { get; init; }

    public required IReadOnlyList<TargetCheck> Targets { get; init; }

    /// <summary>Errors and failed workloads; any entry means the run is not a result.</summary>
    public required IReadOnlyList<string> Failures { get; init; }

    /// <summary>Workloads left out on purpose (e.g. PostgreSQL unavailable), with the reason.</summary>
    public required IReadOnlyList<string> Skipped { get; init; }

    public bool IsResult => Failures.Count == 0;
}

/// <summary>The figures measured on one storage backend.</summary>
internal sealed record BackendReport
{
    public required string Backend { get; init; }

    public string? ServerVersion { get; init; }

    /// <summary>
    /// The HTTP stack's ceiling: a plaintext Kestrel endpoint measured with the same load generator right before
    /// <see cref="Throughput"/>, so both see the same machine load.
    /// </summary>
    public IReadOnlyList<ThroughputPoint> Plaintext { get; init; } = [];

    public IReadOnlyList<ThroughputPoint> Throughput { get; init; } = [];

    /// <summary>Database connections (SQLite files open, or PostgreSQL sessions) the server held after the throughput run.</summary>
    public int? ConnectionsHeld { get; init; }

    public ProvisioningFigure? Provisioning { get; init; }

    public ModuleFigure? Modules { get; init; }

    public PortalSearchFigure? PortalSearch { get; init; }
}

/// <summary>One point of a closed-loop run: a workload over one protocol at one concurrency.</summary>
internal sealed record ThroughputPoint(
    string Workload, string Protocol, int Concurrency, double CallsPerSecond, long Calls, long Errors, string? FirstError,
    double P50Ms, double P90Ms, double P99Ms, double MaxMs, IReadOnlyList<LatencyQuantile> Distribution)
{
    public static ThroughputPoint From(string workload, string protocol, LoadResult result) =>
        new(workload, protocol, result.Concurrency, result.CallsPerSecond, result.Calls, result.Errors, result.FirstError,
            Quantiles.At(result.Latencies, 0.5), Quantiles.At(result.Latencies, 0.9), Quantiles.At(result.Latencies, 0.99),
            result.Latencies.Count == 0 ? double.NaN : result.Latencies[^1], Quantiles.Distribution(result.Latencies));
}

/// <summary>The latency below which <see cref="Quantile"/> of the calls finished.</summary>
internal sealed record LatencyQuantile(double Quantile, double Ms);

internal sealed record ProvisioningFigure(int Calls, double MedianMs, double P99Ms, double RawCopyMedianMs, double RawCopyP99Ms)
{
    public double MedianRatio => MedianMs / RawCopyMedianMs;
}

internal sealed record ModuleFigure(int Iterations, int Tables, double InstallMedianMs, double UninstallMedianMs, double PlainSqlMedianMs)
{
    public double InstallRatio => InstallMedianMs / PlainSqlMedianMs;
}

/// <summary>Portal <c>search</c> on saas_portal.client: the same calls with a small table and with the full one.</summary>
internal sealed record PortalSearchFigure(int SmallClients, int LargeClients, IReadOnlyList<ScaleComparison> Calls);

/// <summary>One call measured on the small side (the baseline) and on the large side; per-call cost is the median.</summary>
internal sealed record ScaleComparison(string Call, ThroughputPoint Small, ThroughputPoint Large)
{
    public double Ratio => Large.P50Ms / Small.P50Ms;
}

internal sealed record MemoryFigure(int Tenants, long BaselineBytes, long IdleBytes, int? ConnectionsHeld)
{
    public double BytesPerTenant => (IdleBytes - BaselineBytes) / (double)Tenants;
}

/// <summary>
/// Per-call cost of a cheap tenant call with few and with many tenants on disk (SQLite). <see cref="Spread"/> calls
/// every opened tenant in turn (the target's figure); <see cref="SameSet"/> calls only the small side's tenants again.
/// </summary>
internal sealed record TenantScaleFigure(int SmallTenants, int LargeTenants, int LargeOpened, ScaleComparison Spread, ScaleComparison SameSet,
    int? ConnectionsHeldSmall, int? ConnectionsHeldLarge);

/// <summary>One target of issue 7, checked against the measured figure and its baseline.</summary>
internal sealed record TargetCheck(string Target, string Backend, double Measured, double Baseline, string Unit, double Ratio, string Limit, bool Pass);

internal static class Quantiles
{
    /// <summary>Quantiles evenly spaced on the "number of nines" axis (0, 50 %, 90 %, 99 %, 99.9 % …), as latency charts use.</summary>
    private static readonly double[] Points = [.. Enumerable.Range(0, 31).Select(i => 1 - Math.Pow(10, -i / 10.0)), 1.0];

    public static double At(IReadOnlyList<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];

    public static IReadOnlyList<LatencyQuantile> Distribution(IReadOnlyList<double> sorted) =>
        sorted.Count == 0 ? [] : [.. Points.Where(q => q == 1.0 || q <= 1 - 1.0 / sorted.Count).Select(q => new LatencyQuantile(Math.Round(q, 6), Math.Round(At(sorted, q), 3)))];
}
