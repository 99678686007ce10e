using System.Diagnostics;
using SaasPortal.Bench.Http;

namespace SaasPortal.Bench.Suite;

/// <summary>
/// Does the per-call cost stay flat as the data grows? Each figure measures the same calls (closed loop,
/// concurrency 1, so the median is the per-call cost) on the small side (the baseline) and on the large side.
/// </summary>
internal static class ScaleWorkload
{
    /// <summary>
    /// Portal <c>search</c> on saas_portal.client: a lookup by name and the first page of 80 open clients, with
    /// 100 rows and then with <see cref="SuiteOptions.Clients"/> rows (seeded in SQL).
    /// </summary>
    public static async Task<PortalSearchFigure> PortalSearchAsync(BenchServer server, SuiteOptions options, Action<string> log, CancellationToken cancellationToken)
    {
        var small = Math.Min(100, options.Clients / 2);
        await SeedClientsAsync(server, 0, small, cancellationToken);
        var smallSide = await MeasureSearchesAsync(server, small, options, cancellationToken);
        var watch = Stopwatch.StartNew();
        await SeedClientsAsync(server, small, options.Clients, cancellationToken);
        log($"  seeded {options.Clients} saas_portal.client rows ({watch.Elapsed.TotalSeconds:F1} s)");
        var largeSide = await MeasureSearchesAsync(server, small, options, cancellationToken);
        var comparisons = smallSide.Zip(largeSide, (s, l) => new ScaleComparison(s.Workload, s, l)).ToList();
        foreach (var c in comparisons)
        {
            log($"  {c.Call,-34} p50 {c.Small.P50Ms:F2} ms at {small} rows, {c.Large.P50Ms:F2} ms at {options.Clients} ({c.Ratio:F2}x)");
        }

        return new PortalSearchFigure(small, options.Clients, comparisons);
    }

    /// <summary>
    /// A cheap tenant call (res.partner search_count as admin) with few and with many tenant databases on disk (SQLite
    /// files copied from one fresh tenant). Small side: every tenant opened, calls spread over them. Large side: up to
    /// <see cref="SuiteOptions.LargeTenantsOpened"/> tenants opened within <see cref="SuiteOptions.LargeTenantsOpenSeconds"/>,
    /// calls spread over all of those, and over the small side's tenants again (same working set, more on disk).
    /// </summary>
    public static async Task<TenantScaleFigure> TenantsAsync(SuiteOptions options, Action<string> log, CancellationToken cancellationToken)
    {
        await using var server = await BenchServer.StartAsync(BackendTarget.Sqlite, cancellationToken);
        var source = server.Stem + "-source";
        await server.CreateDatabaseAsync(source, cancellationToken);
        await using (var connection = await server.OpenAsync(source, cancellationToken))
        {
            // Fold the WAL into the file, so a plain file copy is the whole database.
            await BenchServer.ExecuteAsync(connection, "PRAGMA wal_checkpoint(TRUNCATE)", cancellationToken);
        }

        var names = Enumerable.Range(1, options.LargeTenantCount).Select(i => $"{server.Stem}-t{i:D5}").ToArray();
        var sourcePath = server.SqlitePath(source);
        var watch = Stopwatch.StartNew();
        CopyTenants(sourcePath, names.AsMemory(0, options.SmallTenantCount), server);
        await OpenAsync(server, names[..options.SmallTenantCount], cancellationToken);
        log($"  {options.SmallTenantCount} tenants copied and opened ({watch.Elapsed.TotalSeconds:F1} s), file size {new FileInfo(sourcePath).Length / 1024} KiB");

        var small = await MeasureTenantCallAsync(server, names[..options.SmallTenantCount], options, cancellationToken);
        var heldSmall = await server.ConnectionsHeldAsync(cancellationToken);

        watch.Restart();
        CopyTenants(sourcePath, names.AsMemory(options.SmallTenantCount), server);
        log($"  {options.LargeTenantCount - options.SmallTenantCount} more tenants copied ({watch.Elapsed.TotalSeconds:F1} s)");
        // Opening as many as time allows: each first call hashes the tenant's admin password (Argon2id).
        watch.Restart();
        var opened = options.SmallTenantCount;
        var budget = TimeSpan.FromSeconds(options.LargeTenantsOpenSeconds);
        while (opened < options.LargeTenantsOpened && watch.Elapsed < budget)
        {
            var next = Math.Min(options.LargeTenantsOpened, opened + 40);
            await OpenAsync(server, names[opened..next], cancellationToken);
            opened = next;
        }

        log($"  {opened} tenants opened in all ({watch.Elapsed.TotalSeconds:F1} s{(opened < options.LargeTenantsOpened ? ", time budget reached" : "")})");

        var largeSameSet = await MeasureTenantCallAsync(server, names[..options.SmallTenantCount], options, cancellationToken);
        var largeOpened = await MeasureTenantCallAsync(server, names[..opened], options, cancellationToken);
        var heldLarge = await server.ConnectionsHeldAsync(cancellationToken);
        var spread = new ScaleComparison($"search_count over the {opened} opened tenants", small, largeOpened);
        var same = new ScaleComparison($"search_count over the same {options.SmallTenantCount} tenants", small, largeSameSet);
        log($"  per call p50 {small.P50Ms:F2} ms with {options.SmallTenantCount} tenants; with {options.LargeTenantCount}: " +
            $"{largeOpened.P50Ms:F2} ms over {opened} opened ({spread.Ratio:F2}x), {largeSameSet.P50Ms:F2} ms over the first {options.SmallTenantCount} ({same.Ratio:F2}x)");
        return new TenantScaleFigure(options.SmallTenantCount, options.LargeTenantCount, opened, spread, same, heldSmall, heldLarge);
    }

    private static void CopyTenants(string sourcePath, ReadOnlyMemory<string> names, BenchServer server) =>
        Parallel.For(0, names.Length, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i => File.Copy(sourcePath, server.SqlitePath(names.Span[i])));

    /// <summary>One call per tenant (its first: credentials checked, registry found, pool opened), four at a time.</summary>
    private static Task OpenAsync(BenchServer server, string[] names, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (name, ct) => await SearchCountAsync(server, name, ct));

    private static async Task<ThroughputPoint> MeasureTenantCallAsync(BenchServer server, string[] names, SuiteOptions options, CancellationToken cancellationToken)
    {
        var result = await Load.RunAsync("tenant search_count", 1, options.Duration, (n, ct) => SearchCountAsync(server, names[n % names.Length], ct), cancellationToken);
        return ThroughputPoint.From($"search_count over {names.Length} tenants", "XML-RPC", result);
    }

    private static async Task SearchCountAsync(BenchServer server, string database, CancellationToken cancellationToken)
    {
        if (await server.Xml.CallAsync("object", "execute_kw", [database, 1, BenchServer.Admin, "res.partner", "search_count",
                new List<object?> { new List<object?>() }], cancellationToken) is not int)
        {
            throw new InvalidOperationException("search_count did not answer a number");
        }
    }

    private static async Task<IReadOnlyList<ThroughputPoint>> MeasureSearchesAsync(BenchServer server, int lookupRange, SuiteOptions options, CancellationToken cancellationToken)
    {
        var lookups = new byte[lookupRange][];
        for (var i = 0; i < lookupRange; i++)
        {
            lookups[i] = await XmlRpcHttp.EncodeAsync("execute_kw", [server.Portal, 1, BenchServer.Admin, "saas_portal.client", "search",
                new List<object?> { new List<object?> { new List<object?> { "name", "=", ClientName(i) } } }], cancellationToken);
        }

        var page = await XmlRpcHttp.EncodeAsync("execute_kw", [server.Portal, 1, BenchServer.Admin, "saas_portal.client", "search",
            new List<object?> { new List<object?> { new List<object?> { "state", "=", "open" } } }, new Dictionary<string, object?> { ["limit"] = 80 }], cancellationToken);

        var byName = await Load.RunAsync("portal search by name", 1, options.Duration, async (n, ct) =>
        {
            if (await server.Xml.SendAsync("object", lookups[n % lookupRange], ct) is not List<object?> { Count: 1 })
            {
                throw new InvalidOperationException("search by name did not find one client");
            }
        }, cancellationToken);
        var firstPage = await Load.RunAsync("portal search first page", 1, options.Duration, async (_, ct) =>
        {
            if (await server.Xml.SendAsync("object", page, ct) is not List<object?> { Count: 80 })
            {
                throw new InvalidOperationException("search of open clients did not return a page of 80");
            }
        }, cancellationToken);
        return [ThroughputPoint.From("search [name = …]", "XML-RPC", byName), ThroughputPoint.From("search [state = open], limit 80", "XML-RPC", firstPage)];
    }

    private static string ClientName(int i) => $"bench-client-{i:D6}.example.com";

    /// <summary>Clients number <paramref name="from"/> to <paramref name="to"/> − 1, open, on plan 1, in one INSERT … SELECT.</summary>
    private static async Task SeedClientsAsync(BenchServer server, int from, int to, CancellationToken cancellationToken)
    {
        await using var connection = await server.OpenAsync(server.Portal, cancellationToken);
        // from and to are ints: safe to inline.
        await BenchServer.ExecuteAsync(connection, server.Backend.IsPostgres
            ? "INSERT INTO saas_portal_client (name, client_id, plan_id, state, trial) SELECT 'bench-client-' || lpad(g::text, 6, '0') || '.example.com', " +
              $"'bench-uuid-' || g, 1, 'open', false FROM generate_series({from}, {to - 1}) g; ANALYZE saas_portal_client;"
            : $"INSERT INTO saas_portal_client (name, client_id, plan_id, state, trial) WITH RECURSIVE g(x) AS (SELECT {from} UNION ALL SELECT x + 1 FROM g WHERE x < {to - 1}) " +
              "SELECT printf('bench-client-%06d.example.com', x), 'bench-uuid-' || x, 1, 'open', 0 FROM g; ANALYZE;",
            cancellationToken);
    }
}
