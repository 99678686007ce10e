using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;

namespace SaasPortal.Bench.Http;

/// <summary>
/// Issue 6's cluster figures, through the real server over XML-RPC with two PostgreSQL servers:
/// <list type="number">
/// <item>the time of <c>saas_portal.client.move_to_server</c> (whole call, and how long the tenant was blocked) beside
/// <c>pg_dump --format=custom | pg_restore</c> of the same database between the same two servers in the same run;</item>
/// <item>tenants per server: PostgreSQL backends (pg_stat_activity) and the memory of the home server's processes
/// (proportional set size, so shared buffers count once) and of the portal process, with no tenants and after every
/// one of <c>--tenants</c> tenants answered a call. <c>--tenants 1000,5000</c> measures at each count in one run: the
/// tenants of the first count are created and measured, then more are added up to the next count and all of them
/// answer again.</item>
/// </list>
/// The home server should be a cluster of its own (nothing else connected) for the memory figures to mean anything.
/// <code>dotnet run -c Release --project bench/SaasPortal.Bench -- cluster --pg &lt;home&gt; --pg2 &lt;second&gt; [--tenants 1000[,5000]] [--moves 5] [--rows 20000] [--configuration Release]</code>
/// </summary>
internal static class ClusterBenchmark
{
    private const string Admin = "admin";

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var home = OrmHttpBenchmark.Option(args, "--pg") ?? throw new InvalidOperationException("Give --pg (the home cluster) and --pg2 (the second one).");
        var second = OrmHttpBenchmark.Option(args, "--pg2") ?? throw new InvalidOperationException("Give --pg2 (the second cluster).");
        var counts = (OrmHttpBenchmark.Option(args, "--tenants") ?? "1000").Split(',')
            .Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToList();
        if (counts.Count == 0 || counts.Zip(counts.Skip(1)).Any(p => p.First >= p.Second) || counts[0] < 0)
        {
            throw new InvalidOperationException("--tenants takes increasing counts, e.g. 1000,5000.");
        }
        var moves = int.Parse(OrmHttpBenchmark.Option(args, "--moves") ?? "5", CultureInfo.InvariantCulture);
        var rows = int.Parse(OrmHttpBenchmark.Option(args, "--rows") ?? "20000", CultureInfo.InvariantCulture);
        var configuration = OrmHttpBenchmark.Option(args, "--configuration") ?? "Release";

        var stem = "bc" + Guid.NewGuid().ToString("N")[..6];
        var portal = stem + "-portal";
        await using var server = await ServerUnderTest.StartAsync(configuration, ["--db-backend", "postgres", "--pg", home, "--portal-db", portal], cancellationToken);
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(30) };
        var rpc = new XmlRpcHttp(http, server.Url);
        Task<object?> Portal(string model, string method, List<object?> arguments, Dictionary<string, object?>? kwargs = null) =>
            rpc.CallAsync("object", "execute_kw", [portal, 1, Admin, model, method, arguments, kwargs ?? []], cancellationToken);

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; server build {configuration}; {Environment.ProcessorCount} cores; PostgreSQL {await VersionAsync(home, cancellationToken)}");
        report.AppendLine();
        try
        {
            var secondId = Convert.ToInt32(await Portal("saas_portal.server", "create",
                [new Dictionary<string, object?> { ["name"] = "second", ["connection"] = Maintenance(second), ["sequence"] = 20 }]), CultureInfo.InvariantCulture);
            const string login = "bench-owner@example.com";
            await Portal("res.users", "signup", [new Dictionary<string, object?> { ["login"] = login, ["name"] = "Bench", ["password"] = "bench-password" }]);
            var owner = await rpc.CallAsync("common", "authenticate", [portal, login, "bench-password", new Dictionary<string, object?>()], cancellationToken);
            var localId = Convert.ToInt32(await Portal("ir.model.data", "xmlid_to_res_id", ["saas_portal.server_local"]), CultureInfo.InvariantCulture);

            // 1. Moves against pg_dump | pg_restore of the same database.
            var tenant = stem + "-moved";
            var created = (Dictionary<string, object?>)(await Portal("saas_portal.plan", "create_new_database", [new List<object?> { 1 }],
                new Dictionary<string, object?> { ["dbname"] = tenant, ["user_id"] = owner }))!;
            var clientId = Convert.ToInt32(created["id"], CultureInfo.InvariantCulture);
            for (var done = 0; done < rows; done += 1000)
            {
                var batch = Enumerable.Range(done, Math.Min(1000, rows - done))
                    .Select(i => (object?)new Dictionary<string, object?> { ["name"] = $"Partner {i}", ["email"] = $"p{i}@example.com", ["comment"] = new string('x', 200) })
                    .ToList();
                await rpc.CallAsync("object", "execute_kw", [tenant, 1, Admin, "res.partner", "create", new List<object?> { batch }, new Dictionary<string, object?>()], cancellationToken);
            }

            var size = await SizeAsync(home, tenant, cancellationToken);
            List<double> moveSeconds = [], blockedSeconds = [], copySeconds = [], dumpRestoreSeconds = [];
            for (var i = 0; i < moves; i++)
            {
                // Alternate directions so both servers' caches see the same work; the baseline copies the same database
                // between the same servers, just before the move, into a scratch name.
                var (from, to, target) = i % 2 == 0 ? (home, second, secondId) : (second, home, localId);
                dumpRestoreSeconds.Add(await DumpRestoreAsync(from, to, tenant, $"{stem}-raw{i}", cancellationToken));
                var watch = Stopwatch.StartNew();
                var moved = (Dictionary<string, object?>)(await Portal("saas_portal.client", "move_to_server", [new List<object?> { clientId }, target]))!;
                moveSeconds.Add(watch.Elapsed.TotalSeconds);
                blockedSeconds.Add(Convert.ToDouble(moved["blocked_seconds"], CultureInfo.InvariantCulture));
                copySeconds.Add(Convert.ToDouble(moved["copy_seconds"], CultureInfo.InvariantCulture));
                var count = await rpc.CallAsync("object", "execute_kw", [tenant, 1, Admin, "res.partner", "search_count",
                    new List<object?> { new List<object?> { new List<object?> { "name", "like", "Partner %" } } }, new Dictionary<string, object?>()], cancellationToken);
                if (Convert.ToInt32(count, CultureInfo.InvariantCulture) != rows)
                {
                    throw new InvalidOperationException($"After move {i + 1} the tenant holds {count} partners, not {rows}.");
                }
            }

            report.AppendLine(CultureInfo.InvariantCulture,
                $"### Tenant move: {moves} moves of one tenant ({rows} partners, {size / 1048576.0:F1} MB) alternating between the two servers");
            report.AppendLine();
            report.AppendLine("| measure | median s | min s | max s |");
            report.AppendLine("| --- | ---: | ---: | ---: |");
            Row(report, "`pg_dump -Fc | pg_restore` of the same database, same servers (createdb included)", dumpRestoreSeconds);
            Row(report, "move_to_server: copy inside the move (pg_dump | pg_restore, streamed)", copySeconds);
            Row(report, "move_to_server: tenant blocked (flag set → copy → placement switched)", blockedSeconds);
            Row(report, "move_to_server: whole XML-RPC call (incl. dropping the old copy)", moveSeconds);
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| ratio whole move / pg_dump\\|pg_restore (medians) | {Median(moveSeconds) / Median(dumpRestoreSeconds):F2}× | | |");
            report.AppendLine();

            // 2. Tenants per server, at each count.
            var before = await SnapshotAsync(home, stem, server, cancellationToken);
            var names = new List<string>();
            var measured = new List<(int Count, Snapshot After, TimeSpan Created, TimeSpan Touched)>();
            foreach (var count in counts)
            {
                var added = Enumerable.Range(names.Count, count - names.Count).Select(i => $"{stem}-t{i:D5}").ToList();
                var creation = Stopwatch.StartNew();
                await Parallel.ForEachAsync(added, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken }, async (name, ct) =>
                    await rpc.CallAsync("object", "execute_kw", [portal, 1, Admin, "saas_portal.plan", "create_new_database", new List<object?> { new List<object?> { 1 } },
                        new Dictionary<string, object?> { ["dbname"] = name, ["user_id"] = owner }], ct));
                var createdIn = creation.Elapsed;
                names.AddRange(added);
                var touch = Stopwatch.StartNew();
                await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (name, ct) =>
                    await rpc.CallAsync("object", "execute_kw", [name, 1, Admin, "res.partner", "search_count", new List<object?> { new List<object?>() },
                        new Dictionary<string, object?>()], ct));
                var touchedIn = touch.Elapsed;
                var after = await SnapshotAsync(home, stem, server, cancellationToken);
                measured.Add((count, after, createdIn, touchedIn));
                Console.Error.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {count} tenants: {after}");
            }

            report.AppendLine(CultureInfo.InvariantCulture,
                $"### Tenants per server: {string.Join(", ", counts)} tenants on the home server (each count: tenants added, then every tenant so far answered one call)");
            report.AppendLine();
            report.AppendLine("| measure | no tenants | " + string.Join(" | ", counts.Select(c => $"{c} tenants")) + " |");
            report.AppendLine("| --- | ---: | " + string.Join(" | ", counts.Select(_ => "---:")) + " |");
            void Line(string name, Func<Snapshot, string> value) =>
                report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {value(before)} | {string.Join(" | ", measured.Select(m => value(m.After)))} |");
            Line("tenant databases on the server", s => s.Databases.ToString(CultureInfo.InvariantCulture));
            Line("backends in pg_stat_activity (all)", s => s.Backends.ToString(CultureInfo.InvariantCulture));
            Line("of which connected to this run's databases", s => s.OwnBackends.ToString(CultureInfo.InvariantCulture));
            Line("PostgreSQL processes", s => s.Processes.ToString(CultureInfo.InvariantCulture));
            Line("PostgreSQL memory, PSS of all its processes", s => $"{s.PostgresPss / 1048576.0:F0} MB");
            Line("saasportal process RSS", s => $"{s.PortalRss / 1048576.0:F0} MB");
            Line("of which .NET GC heap after the last collection", s => s.GcHeap is { } heap ? $"{heap / 1048576.0:F0} MB" : "n/a");
            Line("disk of this run's databases", s => $"{s.DiskBytes / 1048576.0:F0} MB");
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| seconds to create the added tenants (2 at a time) | | {string.Join(" | ", measured.Select(m => m.Created.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture)))} |");
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| seconds for every tenant so far to answer (4 at a time) | | {string.Join(" | ", measured.Select(m => m.Touched.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture)))} |");
            Console.WriteLine(report);
            return 0;
        }
        finally
        {
            await Suite.PostgresCleanup.DropDatabasesAsync(home, stem, CancellationToken.None);
            await Suite.PostgresCleanup.DropDatabasesAsync(second, stem, CancellationToken.None);
        }
    }

    private sealed record Snapshot(int Databases, int Backends, int OwnBackends, int Processes, long PostgresPss, long PortalRss, long? GcHeap, long DiskBytes);

    private static async Task<Snapshot> SnapshotAsync(string pg, string stem, ServerUnderTest server, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(Maintenance(pg));
        await connection.OpenAsync(cancellationToken);
        async Task<long> ScalarAsync(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            if (sql.Contains("$1", StringComparison.Ordinal))
            {
                command.Parameters.AddWithValue(stem + "%");
            }

            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }

        var databases = await ScalarAsync("SELECT count(*) FROM pg_database WHERE datname LIKE $1 AND datname NOT LIKE '%-portal%'");
        var backends = await ScalarAsync("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'");
        var own = await ScalarAsync("SELECT count(*) FROM pg_stat_activity WHERE datname LIKE $1");
        var disk = await ScalarAsync("SELECT COALESCE(sum(pg_database_size(datname)), 0) FROM pg_database WHERE datname LIKE $1");
        await using var dir = new NpgsqlCommand("SHOW data_directory", connection);
        var dataDirectory = (string)(await dir.ExecuteScalarAsync(cancellationToken))!;
        var postmaster = int.Parse(File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        var processes = new List<int> { postmaster };
        foreach (var stat in Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(n => n!.All(char.IsAsciiDigit)))
        {
            try
            {
                var text = File.ReadAllText($"/proc/{stat}/stat");
                var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], CultureInfo.InvariantCulture) == postmaster)
                {
                    processes.Add(int.Parse(stat!, CultureInfo.InvariantCulture));
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }

        long pss = 0;
        foreach (var pid in processes)
        {
            try
            {
                var line = File.ReadLines($"/proc/{pid}/smaps_rollup").FirstOrDefault(l => l.StartsWith("Pss:", StringComparison.Ordinal));
                pss += line is null ? 0 : long.Parse(line["Pss:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
            catch (IOException)
            {
            }
        }

        // The managed share of the process: the runtime meter's heap after the last collection, from /metrics.
        long? heap = null;
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
            heap = Soak.PrometheusText.Sum(await http.GetStringAsync(server.Url + "/metrics", cancellationToken), Soak.MemorySampler.GcHeapMetric, _ => true);
        }
        catch (HttpRequestException)
        {
        }

        return new Snapshot((int)databases, (int)backends, (int)own, processes.Count, pss, server.ResidentBytes(), heap, disk);
    }

    /// <summary>createdb on <paramref name="to"/>, then <c>pg_dump -Fc | pg_restore</c> through a shell pipe, timed together; the copy is dropped after.</summary>
    private static async Task<double> DumpRestoreAsync(string from, string to, string database, string scratch, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        await using (var connection = new NpgsqlConnection(Maintenance(to)))
        {
            await connection.OpenAsync(cancellationToken);
            // Names generated by this benchmark (letters, digits, '-'): safe to quote.
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{scratch}\" TEMPLATE template0", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var source = new NpgsqlConnectionStringBuilder(from);
        var target = new NpgsqlConnectionStringBuilder(to);
        var start = new ProcessStartInfo("bash") { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("set -o pipefail; pg_dump --format=custom --no-owner --no-privileges -h \"$1\" -p \"$2\" -U \"$3\" \"$4\" | " +
                               "pg_restore --no-owner --no-privileges --exit-on-error -h \"$5\" -p \"$6\" -U \"$7\" -d \"$8\"");
        start.ArgumentList.Add("dump-restore");
        foreach (var value in new[] { source.Host!, source.Port.ToString(CultureInfo.InvariantCulture), source.Username!, database,
                     target.Host!, target.Port.ToString(CultureInfo.InvariantCulture), target.Username!, scratch })
        {
            start.ArgumentList.Add(value);
        }

        using var process = Process.Start(start)!;
        var errors = await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var seconds = watch.Elapsed.TotalSeconds;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("pg_dump | pg_restore failed: " + errors);
        }

        await using (var connection = new NpgsqlConnection(Maintenance(to)))
        {
            await connection.OpenAsync(cancellationToken);
            await using var drop = new NpgsqlCommand($"DROP DATABASE \"{scratch}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }

        return seconds;
    }

    private static async Task<long> SizeAsync(string pg, string database, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(Maintenance(pg));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT pg_database_size($1)", connection);
        command.Parameters.AddWithValue(database);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<string> VersionAsync(string pg, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(Maintenance(pg));
        await connection.OpenAsync(cancellationToken);
        return connection.ServerVersion;
    }

    private static string Maintenance(string pg) => new NpgsqlConnectionStringBuilder(pg) { Database = "postgres", Pooling = false }.ConnectionString;

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static void Row(StringBuilder report, string name, List<double> values) =>
        report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {Median(values):F2} | {values.Min():F2} | {values.Max():F2} |");
}
