using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;

namespace SaasPortal.Bench.Http;

/// <summary>
/// Issue 10's figure: latency of <c>saas_portal.plan.create_new_database</c> through the real server over XML-RPC
/// (median and 99th percentile over N sequential calls), beside the raw copy of the same template in the same run
/// (SQLite: a file copy of the template; PostgreSQL: CREATE DATABASE … TEMPLATE, after closing the template's
/// sessions as the server must). Target: within 2× the raw copy.
/// <code>dotnet run -c Release --project bench/SaasPortal.Bench -- provisioning [--backend sqlite|postgres] [--calls 100] [--configuration Release]</code>
/// </summary>
internal static class ProvisioningBenchmark
{
    private const string Admin = "admin";

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken, Action<ProvisioningMeasurement>? measured = null)
    {
        var backend = OrmHttpBenchmark.Option(args, "--backend") ?? "sqlite";
        var calls = int.Parse(OrmHttpBenchmark.Option(args, "--calls") ?? "100", CultureInfo.InvariantCulture);
        var configuration = OrmHttpBenchmark.Option(args, "--configuration") ?? "Release";
        var pg = backend == "postgres" ? OrmHttpBenchmark.Option(args, "--pg") ?? Environment.GetEnvironmentVariable("SAASPORTAL_TEST_PG") : null;
        if (backend == "postgres" && pg is null)
        {
            throw new InvalidOperationException("Give --pg or SAASPORTAL_TEST_PG (scripts/test-postgres.sh prints one).");
        }

        var stem = "bp" + Guid.NewGuid().ToString("N")[..6];
        var portal = stem + "-portal";
        var template = portal + "-template";
        var serverArgs = pg is null ? new List<string>() : ["--db-backend", "postgres", "--pg", pg];
        serverArgs.AddRange(["--portal-db", portal]);
        await using var server = await ServerUnderTest.StartAsync(configuration, serverArgs, cancellationToken);
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        var rpc = new XmlRpcHttp(http, server.Url);

        const string login = "bench-owner@example.com";
        await rpc.CallAsync("object", "execute_kw", [portal, 1, Admin, "res.users", "signup",
            new List<object?> { new Dictionary<string, object?> { ["login"] = login, ["name"] = "Bench", ["password"] = "bench-password" } }], cancellationToken);
        var owner = await rpc.CallAsync("common", "authenticate", [portal, login, "bench-password", new Dictionary<string, object?>()], cancellationToken);

        async Task CreateAsync(string name, CancellationToken ct) =>
            await rpc.CallAsync("object", "execute_kw", [portal, 1, Admin, "saas_portal.plan", "create_new_database", new List<object?> { new List<object?> { 1 } },
                new Dictionary<string, object?> { ["dbname"] = name, ["user_id"] = owner, ["owner_password"] = "owner-password" }], ct);

        // Warm-up: the first calls load the template's registry and JIT the paths.
        for (var i = 0; i < 3; i++)
        {
            await CreateAsync($"{stem}-warm{i}", cancellationToken);
        }

        var provisioning = await MeasureAsync(calls, i => CreateAsync($"{stem}-c{i}", cancellationToken));

        Func<int, Task> rawCopy;
        var copies = Directory.CreateTempSubdirectory("saasportal-bench-copy");
        if (pg is null)
        {
            var source = Path.Combine(server.DataDirectory, "db", template + ".sqlite");
            rawCopy = i =>
            {
                File.Copy(source, Path.Combine(copies.FullName, $"copy{i}.sqlite"));
                return Task.CompletedTask;
            };
        }
        else
        {
            var admin = new NpgsqlConnectionStringBuilder(pg) { Database = "postgres", Pooling = false }.ConnectionString;
            rawCopy = async i =>
            {
                await using var connection = new NpgsqlConnection(admin);
                await connection.OpenAsync(cancellationToken);
                await using (var terminate = new NpgsqlCommand(
                                 "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", connection))
                {
                    terminate.Parameters.AddWithValue(template);
                    await terminate.ExecuteNonQueryAsync(cancellationToken);
                }

                // Both names are generated above (letters, digits, '-'): safe to quote.
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{stem}-raw{i}\" TEMPLATE \"{template}\"", connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
            };
        }

        var raw = await MeasureAsync(calls, rawCopy);
        copies.Delete(recursive: true);
        if (pg is not null)
        {
            await DropAllAsync(pg, stem, cancellationToken);
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"Backend: {backend}; {calls} sequential calls each; server build {configuration}; {Environment.ProcessorCount} cores; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        report.AppendLine();
        report.AppendLine("| operation | median ms | p99 ms | mean ms |");
        report.AppendLine("| --- | ---: | ---: | ---: |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| create_new_database over XML-RPC | {provisioning.Median:F1} | {provisioning.P99:F1} | {provisioning.Mean:F1} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| raw copy of the template | {raw.Median:F1} | {raw.P99:F1} | {raw.Mean:F1} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| ratio (median) | {provisioning.Median / raw.Median:F2}× | {provisioning.P99 / raw.P99:F2}× | |");
        Console.WriteLine(report);
        measured?.Invoke(new ProvisioningMeasurement(calls, provisioning.Median, provisioning.P99, raw.Median, raw.P99));
        return 0;
    }

    /// <summary>Drops every database of this run from the shared cluster (the server's tenants and the raw copies).</summary>
    private static async Task DropAllAsync(string pg, string stem, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(pg) { Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var names = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT datname FROM pg_database WHERE datname LIKE $1", connection))
        {
            list.Parameters.AddWithValue(stem + "-%");
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                names.Add(reader.GetString(0));
            }
        }

        foreach (var name in names)
        {
            // Names come from pg_database and match this run's generated stem; quoting doubles any quote.
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task<(double Median, double P99, double Mean)> MeasureAsync(int count, Func<int, Task> operation)
    {
        var samples = new double[count];
        for (var i = 0; i < count; i++)
        {
            var watch = Stopwatch.StartNew();
            await operation(i);
            samples[i] = watch.Elapsed.TotalMilliseconds;
        }

        Array.Sort(samples);
        return (samples[count / 2], samples[Math.Min(count - 1, (int)Math.Ceiling(count * 0.99) - 1)], samples.Average());
    }
}
