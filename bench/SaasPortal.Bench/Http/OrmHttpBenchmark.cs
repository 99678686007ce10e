using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace SaasPortal.Bench.Http;

/// <summary>
/// Issue 3's figure: search_read of 80 res.partner rows by an indexed domain on a 100,000-row table, and create of
/// one partner, as calls per second through the real server over XML-RPC, beside plain ADO.NET doing the same work
/// on the same database in the same run.
/// <code>dotnet run -c Release --project bench/SaasPortal.Bench -- orm-http [--backend sqlite|postgres] [--seconds 5] [--rows 100000]</code>
/// </summary>
internal static class OrmHttpBenchmark
{
    private const string Admin = "admin";

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var backend = Option(args, "--backend") ?? "sqlite";
        var seconds = double.Parse(Option(args, "--seconds") ?? "5", CultureInfo.InvariantCulture);
        var rows = int.Parse(Option(args, "--rows") ?? "100000", CultureInfo.InvariantCulture);
        var concurrencies = (Option(args, "--concurrency") ?? "1,16").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        var pg = backend == "postgres" ? Option(args, "--pg") ?? Environment.GetEnvironmentVariable("SAASPORTAL_TEST_PG") ?? StartTestPostgres() : null;

        var serverArgs = pg is null ? new List<string>() : ["--db-backend", "postgres", "--pg", pg];
        var database = "bench-" + Guid.NewGuid().ToString("N")[..8];
        serverArgs.AddRange(["--portal-db", database + "-portal"]);
        await using var server = await ServerUnderTest.StartAsync("Release", serverArgs, cancellationToken);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 });
        var rpc = new XmlRpcHttp(http, server.Url);
        await rpc.CallAsync("db", "create_database", [server.MasterPassword, database, false, "en_US", Admin], cancellationToken);

        Func<Task<DbConnection>> open = pg is null
            ? async () =>
            {
                var c = new SqliteConnection($"Data Source={Path.Combine(server.DataDirectory, "db", database + ".sqlite")};Pooling=True");
                await c.OpenAsync(cancellationToken);
                await using var pragma = c.CreateCommand();
                pragma.CommandText = "PRAGMA busy_timeout = 30000";
                await pragma.ExecuteNonQueryAsync(cancellationToken);
                return c;
            }
            : async () =>
            {
                var c = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(pg) { Database = database, MaxPoolSize = 64 }.ConnectionString);
                await c.OpenAsync(cancellationToken);
                return c;
            };

        var seed = Stopwatch.StartNew();
        await SeedAsync(open, pg is not null, rows, cancellationToken);
        Console.WriteLine($"seeded {rows} partners in {seed.Elapsed.TotalSeconds:F1} s ({backend})");

        var uid = await rpc.CallAsync("common", "authenticate", [database, Admin, Admin, new Dictionary<string, object?>()], cancellationToken);
        var duration = TimeSpan.FromSeconds(seconds);
        var results = new List<(LoadResult Orm, LoadResult Ado)>();
        string[] fields = ["name", "ref", "email", "city", "company_id"];
        var windows = rows / 80;
        foreach (var concurrency in concurrencies)
        {
            var searchBodies = new byte[Math.Min(windows, 1000)][];
            for (var i = 0; i < searchBodies.Length; i++)
            {
                var (from, to) = Window(i * (windows / searchBodies.Length));
                searchBodies[i] = await XmlRpcHttp.EncodeAsync("execute_kw", [database, uid, Admin, "res.partner", "search_read",
                    new List<object?> { new List<object?> { new List<object?> { "ref", ">=", from }, new List<object?> { "ref", "<", to } } },
                    new Dictionary<string, object?> { ["fields"] = fields.ToList<object?>() }], cancellationToken);
            }

            var orm = await Load.RunAsync("search_read 80 (XML-RPC)", concurrency, duration, async (n, ct) =>
            {
                if (await rpc.SendAsync("object", searchBodies[n % searchBodies.Length], ct) is not List<object?> { Count: 80 })
                {
                    throw new InvalidOperationException("search_read did not return 80 rows");
                }
            }, cancellationToken);
            var ado = await Load.RunAsync("search_read 80 (ADO.NET)", concurrency, duration, async (n, ct) =>
            {
                var (from, to) = Window(n % searchBodies.Length * (windows / searchBodies.Length));
                if (await AdoSearchAsync(open, pg is not null, from, to, ct) != 80)
                {
                    throw new InvalidOperationException("the query did not return 80 rows");
                }
            }, cancellationToken);
            results.Add((orm, ado));

            var createOrm = await Load.RunAsync("create partner (XML-RPC)", concurrency, duration, async (n, ct) =>
                await rpc.CallAsync("object", "execute_kw", [database, uid, Admin, "res.partner", "create",
                    new List<object?> { new Dictionary<string, object?> { ["name"] = "Bench " + n, ["email"] = $"b{n}@example.com" } }], ct), cancellationToken);
            var createAdo = await Load.RunAsync("create partner (ADO.NET)", concurrency, duration, (n, ct) =>
                AdoInsertAsync(open, pg is not null, n, ct), cancellationToken);
            results.Add((createOrm, createAdo));
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Backend: {backend}; {rows} partners; {seconds} s per figure; {Environment.ProcessorCount} cores; {DateTime.UtcNow:yyyy-MM-dd}");
        report.AppendLine();
        report.AppendLine("| workload | concurrency | server calls/s | ADO.NET calls/s | ratio | server p50 / p99 ms | ADO.NET p50 / p99 ms | errors |");
        report.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (o, a) in results)
        {
            var name = o.Name.Replace(" (XML-RPC)", "", StringComparison.Ordinal);
            var firstError = o.FirstError ?? a.FirstError;
            var errors = firstError is null ? $"{o.Errors + a.Errors}" : $"{o.Errors + a.Errors} ({firstError})";
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {o.Concurrency} | {o.CallsPerSecond:F0} | {a.CallsPerSecond:F0} | {o.CallsPerSecond / a.CallsPerSecond:P1} | {o.MedianMs:F2} / {o.P99Ms:F2} | {a.MedianMs:F3} / {a.P99Ms:F3} | {errors} |");
        }

        Console.WriteLine(report);
        return results.Any(r => r.Orm.Errors + r.Ado.Errors > 0) ? 1 : 0;
    }

    private static (string From, string To) Window(int index) => ($"R{index * 80:D6}", $"R{(index + 1) * 80:D6}");

    private static async Task SeedAsync(Func<Task<DbConnection>> open, bool postgres, int rows, CancellationToken cancellationToken)
    {
        await using var connection = await open();
        await using var command = connection.CreateCommand();
        command.CommandText = postgres
            ? $"INSERT INTO res_partner (name, ref, email, city, active, company_id, lang) SELECT 'Partner ' || g, 'R' || lpad((g - 1)::text, 6, '0'), 'p' || g || '@example.com', 'City', true, 1, 'en_US' FROM generate_series(1, {rows}) g; ANALYZE res_partner;"
            : $"INSERT INTO res_partner (name, ref, email, city, active, company_id, lang) WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < {rows}) SELECT 'Partner ' || x, printf('R%06d', x - 1), 'p' || x || '@example.com', 'City', 1, 1, 'en_US' FROM g; ANALYZE;";
        command.CommandTimeout = 600;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<int> AdoSearchAsync(Func<Task<DbConnection>> open, bool postgres, string from, string to, CancellationToken cancellationToken)
    {
        await using var connection = await open();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT p.id, p.name, p.ref, p.email, p.city, p.company_id, c.name FROM res_partner p LEFT JOIN res_company c ON c.id = p.company_id " +
            $"WHERE p.ref >= @a AND p.ref < @b AND p.active = {(postgres ? "true" : "1")} ORDER BY p.name, p.id LIMIT 80";
        Add(command, "a", from);
        Add(command, "b", to);
        var count = 0;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            var values = new object[7];
            while (await reader.ReadAsync(cancellationToken))
            {
                reader.GetValues(values);
                count++;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return count;
    }

    private static async Task AdoInsertAsync(Func<Task<DbConnection>> open, bool postgres, int n, CancellationToken cancellationToken)
    {
        await using var connection = await open();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO res_partner (name, email, active, company_id, lang, create_uid, write_uid, create_date, write_date) " +
            $"VALUES (@n, @e, {(postgres ? "true" : "1")}, 1, 'en_US', 1, 1, @d, @d) RETURNING id";
        Add(command, "n", "Ado " + n);
        Add(command, "e", $"a{n}@example.com");
        Add(command, "d", postgres ? DateTime.UtcNow : DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        await command.ExecuteScalarAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static string StartTestPostgres()
    {
        var script = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../scripts/test-postgres.sh"));
        using var process = Process.Start(new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true }) ?? throw new InvalidOperationException("bash did not start");
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException("scripts/test-postgres.sh failed");
    }

    internal static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
