using System.Text.Json;
using SaasPortal.Bench.Http;

namespace SaasPortal.Bench.Suite;

/// <summary>
/// RPC throughput: <c>version</c>, <c>authenticate</c>, <c>search_read</c> of 80 partners (by an indexed window on
/// <c>ref</c>, five fields incl. a many2one) and <c>create</c> of one partner, over XML-RPC and JSON-RPC, at each
/// concurrency, with the closed-loop load generator. Points run interleaved (concurrency, then call, then protocol)
/// so a change in machine load spreads over all of them rather than hitting one.
/// </summary>
internal static class RpcThroughputWorkload
{
    public const string SearchRead = "search_read 80";
    public const string Version = "version";
    public const string Authenticate = "authenticate";
    public const string XmlRpc = "XML-RPC";
    public const string JsonRpc = "JSON-RPC";

    private static readonly string[] Fields = ["name", "ref", "email", "city", "company_id"];

    public static async Task<IReadOnlyList<ThroughputPoint>> RunAsync(BenchServer server, SuiteOptions options, Action<string> log, CancellationToken cancellationToken)
    {
        var database = server.Stem + "-rpc";
        await server.CreateDatabaseAsync(database, cancellationToken);
        await SeedPartnersAsync(server, database, options.Partners, cancellationToken);
        var uid = await server.Xml.CallAsync("common", "authenticate", [database, BenchServer.Admin, BenchServer.Admin, Empty()], cancellationToken) as int?
            ?? throw new InvalidOperationException("admin could not authenticate");

        var windows = Math.Min(options.Partners / 80, 500);
        var stride = options.Partners / 80 / windows;
        var domains = Enumerable.Range(0, windows).Select(i => Window(i * stride)).ToArray();
        var xmlSearch = new byte[windows][];
        var jsonSearch = new byte[windows][];
        for (var i = 0; i < windows; i++)
        {
            object?[] args = [database, uid, BenchServer.Admin, "res.partner", "search_read", new List<object?> { domains[i] },
                new Dictionary<string, object?> { ["fields"] = Fields.ToList<object?>() }];
            xmlSearch[i] = await XmlRpcHttp.EncodeAsync("execute_kw", args, cancellationToken);
            jsonSearch[i] = JsonRpcHttp.Encode("object", "execute_kw", args);
        }

        var xmlVersion = await XmlRpcHttp.EncodeAsync("version", [], cancellationToken);
        var jsonVersion = JsonRpcHttp.Encode("common", "version", []);
        object?[] authArgs = [database, BenchServer.Admin, BenchServer.Admin, Empty()];
        var xmlAuth = await XmlRpcHttp.EncodeAsync("authenticate", authArgs, cancellationToken);
        var jsonAuth = JsonRpcHttp.Encode("common", "authenticate", authArgs);
        object?[] CreateArgs(int n) => [database, uid, BenchServer.Admin, "res.partner", "create",
            new List<object?> { new Dictionary<string, object?> { ["name"] = "Bench " + n, ["email"] = $"b{n}@example.com" } }];

        var calls = new (string Workload, string Protocol, Func<int, CancellationToken, Task> Call)[]
        {
            (Version, XmlRpc, async (_, ct) => Expect(await server.Xml.SendAsync("common", xmlVersion, ct) is Dictionary<string, object?> d && d.ContainsKey("server_version"), "version")),
            (Version, JsonRpc, async (_, ct) => Expect((await server.Json.SendAsync(jsonVersion, ct)).TryGetProperty("server_version", out JsonElement _), "version")),
            (Authenticate, XmlRpc, async (_, ct) => Expect(await server.Xml.SendAsync("common", xmlAuth, ct) is int id && id == uid, "authenticate")),
            (Authenticate, JsonRpc, async (_, ct) => Expect((await server.Json.SendAsync(jsonAuth, ct)).GetInt32() == uid, "authenticate")),
            (SearchRead, XmlRpc, async (n, ct) => Expect(await server.Xml.SendAsync("object", xmlSearch[n % windows], ct) is List<object?> { Count: 80 }, "search_read 80 rows")),
            (SearchRead, JsonRpc, async (n, ct) => Expect((await server.Json.SendAsync(jsonSearch[n % windows], ct)).GetArrayLength() == 80, "search_read 80 rows")),
            ("create partner", XmlRpc, async (n, ct) => Expect(await server.Xml.CallAsync("object", "execute_kw", CreateArgs(n), ct) is int, "create")),
            ("create partner", JsonRpc, async (n, ct) => Expect((await server.Json.CallAsync("object", "execute_kw", CreateArgs(n + 500_000_000), ct)).ValueKind == JsonValueKind.Number, "create")),
        };

        var points = new List<ThroughputPoint>();
        foreach (var concurrency in options.Concurrencies)
        {
            foreach (var (workload, protocol, call) in calls)
            {
                // authenticate hashes the password (Argon2id, memory-hard on purpose): a few warm-up calls are enough.
                var warmup = workload == Authenticate ? 2 : 20;
                var result = await Load.RunAsync($"{workload} ({protocol})", concurrency, options.Duration, call, cancellationToken, warmup);
                var point = ThroughputPoint.From(workload, protocol, result);
                log($"  {workload,-16} {protocol,-8} c={concurrency,-3} {point.CallsPerSecond,8:F0} calls/s  p50 {point.P50Ms,8:F2} ms  p99 {point.P99Ms,8:F2} ms  errors {point.Errors}");
                points.Add(point);
            }
        }

        return points;
    }

    /// <summary>The ceiling: the same load generator against the plaintext endpoint, posting the XML-RPC version call's body.</summary>
    public static async Task<IReadOnlyList<ThroughputPoint>> PlaintextAsync(PlaintextCeiling ceiling, SuiteOptions options, Action<string> log, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 });
        var body = await XmlRpcHttp.EncodeAsync("version", [], cancellationToken);
        var points = new List<ThroughputPoint>();
        foreach (var concurrency in options.Concurrencies)
        {
            var result = await Load.RunAsync("plaintext", concurrency, options.Duration, (_, ct) => ceiling.CallAsync(http, body, ct), cancellationToken);
            var point = ThroughputPoint.From("plaintext", "HTTP", result);
            log($"  plaintext        HTTP     c={concurrency,-3} {point.CallsPerSecond,8:F0} calls/s  p50 {point.P50Ms,8:F2} ms  p99 {point.P99Ms,8:F2} ms  errors {point.Errors}");
            points.Add(point);
        }

        return points;
    }

    /// <summary>res.partner rows R000000… in one INSERT … SELECT, so each 80-row window of <c>ref</c> is one search.</summary>
    private static async Task SeedPartnersAsync(BenchServer server, string database, int rows, CancellationToken cancellationToken)
    {
        await using var connection = await server.OpenAsync(database, cancellationToken);
        // rows is an int we parsed: safe to inline.
        await BenchServer.ExecuteAsync(connection, server.Backend.IsPostgres
            ? $"INSERT INTO res_partner (name, ref, email, city, active, company_id, lang) SELECT 'Partner ' || g, 'R' || lpad((g - 1)::text, 6, '0'), 'p' || g || '@example.com', 'City', true, 1, 'en_US' FROM generate_series(1, {rows}) g; ANALYZE res_partner;"
            : $"INSERT INTO res_partner (name, ref, email, city, active, company_id, lang) WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < {rows}) SELECT 'Partner ' || x, printf('R%06d', x - 1), 'p' || x || '@example.com', 'City', 1, 1, 'en_US' FROM g; ANALYZE;",
            cancellationToken);
    }

    private static List<object?> Window(int index) =>
        [new List<object?> { "ref", ">=", $"R{index * 80:D6}" }, new List<object?> { "ref", "<", $"R{(index + 1) * 80:D6}" }];

    private static Dictionary<string, object?> Empty() => [];

    private static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"unexpected answer to {what}");
        }
    }
}
