namespace SaasPortal.Bench.Suite;

/// <summary>Issue 7's targets, each measured figure against its baseline from the same run.</summary>
internal static class Targets
{
    private const int TargetConcurrency = 16;

    public static IReadOnlyList<TargetCheck> Check(IReadOnlyList<BackendReport> backends, MemoryFigure? memory, TenantScaleFigure? scale)
    {
        var checks = new List<TargetCheck>();
        foreach (var backend in backends)
        {
            var concurrency = backend.Throughput.Any(p => p.Concurrency == TargetConcurrency)
                ? TargetConcurrency
                : backend.Throughput.Select(p => p.Concurrency).DefaultIfEmpty().Max();
            var ceiling = backend.Plaintext.FirstOrDefault(p => p.Concurrency == concurrency);
            if (ceiling is not null)
            {
                AddThroughput(checks, backend, ceiling, RpcThroughputWorkload.SearchRead, 0.25);
                AddThroughput(checks, backend, ceiling, RpcThroughputWorkload.Version, 0.50);
            }

            if (backend.Provisioning is { } p)
            {
                checks.Add(new TargetCheck("create_new_database median ≤ 2× the raw template copy", backend.Backend,
                    p.MedianMs, p.RawCopyMedianMs, "ms", p.MedianRatio, "≤ 2×", p.MedianRatio <= 2));
            }
        }

        if (memory is not null)
        {
            checks.Add(new TargetCheck($"resident memory per idle tenant at {memory.Tenants} tenants < 100 KB", "sqlite",
                memory.BytesPerTenant / 1000, 100, "KB", memory.BytesPerTenant / 100_000, "< 1× (100 KB)", memory.BytesPerTenant < 100_000));
        }

        if (scale is not null)
        {
            checks.Add(new TargetCheck($"per-call cost at {scale.LargeTenants} tenants ≤ 1.2× that at {scale.SmallTenants}", "sqlite",
                scale.Spread.Large.P50Ms, scale.Spread.Small.P50Ms, "ms", scale.Spread.Ratio, "≤ 1.2×", scale.Spread.Ratio <= 1.2));
        }

        return checks;
    }

    private static void AddThroughput(List<TargetCheck> checks, BackendReport backend, ThroughputPoint ceiling, string workload, double share)
    {
        if (backend.Throughput.FirstOrDefault(p => p.Workload == workload && p.Protocol == RpcThroughputWorkload.XmlRpc && p.Concurrency == ceiling.Concurrency) is { } point)
        {
            var ratio = point.CallsPerSecond / ceiling.CallsPerSecond;
            checks.Add(new TargetCheck($"XML-RPC {workload} at concurrency {ceiling.Concurrency} ≥ {share:P0} of plaintext", backend.Backend,
                point.CallsPerSecond, ceiling.CallsPerSecond, "calls/s", ratio, $"≥ {share:P0}", ratio >= share));
        }
    }
}
