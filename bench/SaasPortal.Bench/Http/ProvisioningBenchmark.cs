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
        // The provisioner logs each call's step timings at Debug; only that category is raised, so the rest stays quiet.
        var breakdown = new System.Collections.Concurrent.ConcurrentDictionary<string, Dictionary<string, double>>(StringComparer.Ordinal);
        var environment = new Dictionary<string, string> { ["Logging__LogLevel__SaasPortal.Saas.Provisioning"] = "Debug" };
        await using var server = await ServerUnderTest.StartAsync(configuration, serverArgs, cancellationToken, environment,
            line => { if (StepLine.TryParse(line) is { } parsed) { breakdown[parsed.Database] = parsed.Steps; } });
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

        var clientTimes = new System.Collections.Concurrent.ConcurrentDictionary<string, double>(StringComparer.Ordinal);
        var provisioning = await MeasureAsync(calls, async i =>
        {
            var watch = Stopwatch.StartNew();
            await CreateAsync($"{stem}-c{i}", cancellationToken);
            clientTimes[$"{stem}-c{i}"] = watch.Elapsed.TotalMilliseconds;
        });

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
            await Suite.PostgresCleanup.DropDatabasesAsync(pg, stem, cancellationToken); // the server's tenants and the raw copies
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
        // The log lines travel through the server's console logger and a pipe: give the last ones a moment.
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        report.AppendLine();
        report.Append(Breakdown(breakdown, clientTimes));
        Console.WriteLine(report);
        measured?.Invoke(new ProvisioningMeasurement(calls, provisioning.Median, provisioning.P99, raw.Median, raw.P99));
        return 0;
    }

    /// <summary>Median and mean of each step over the measured calls, and what the client saw beyond the provisioner's own total.</summary>
    private static string Breakdown(IReadOnlyDictionary<string, Dictionary<string, double>> lines, IReadOnlyDictionary<string, double> clientTimes)
    {
        var measured = clientTimes.Keys.Where(lines.ContainsKey).ToList();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Breakdown of {measured.Count} measured calls (server-side spans, Debug log of the provisioner):");
        text.AppendLine();
        text.AppendLine("| step | median ms | mean ms |");
        text.AppendLine("| --- | ---: | ---: |");
        if (measured.Count == 0)
        {
            return text.AppendLine("| (no timing lines were logged) | | |").ToString();
        }

        var steps = lines[measured[0]].Keys.ToList();
        foreach (var step in steps)
        {
            var values = measured.Select(n => lines[n].GetValueOrDefault(step)).Order().ToArray();
            text.AppendLine(CultureInfo.InvariantCulture, $"| {step} | {values[values.Length / 2]:F2} | {values.Average():F2} |");
        }

        var outside = measured.Select(n => clientTimes[n] - lines[n].GetValueOrDefault("total")).Order().ToArray();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| outside the provisioner (HTTP, XML-RPC, authentication, portal commit) | {outside[outside.Length / 2]:F2} | {outside.Average():F2} |");
        return text.ToString();
    }

    /// <summary>One <c>create_new_database NAME timings: step=ms … total=ms</c> line of the server's log.</summary>
    private static class StepLine
    {
        private const string Marker = "create_new_database ";
        private const string Separator = " timings: ";

        public static (string Database, Dictionary<string, double> Steps)? TryParse(string line)
        {
            var start = line.IndexOf(Marker, StringComparison.Ordinal);
            var separator = line.IndexOf(Separator, StringComparison.Ordinal);
            if (start < 0 || separator < start)
            {
                return null;
            }

            var database = line[(start + Marker.Length)..separator];
            var steps = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var pair in line[(separator + Separator.Length)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0 && double.TryParse(pair[(equals + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var ms))
                {
                    steps[pair[..equals]] = ms;
                }
            }

            return (database, steps);
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
