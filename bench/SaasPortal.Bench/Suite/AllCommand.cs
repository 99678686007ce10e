using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Npgsql;

namespace SaasPortal.Bench.Suite;

/// <summary>
/// <c>all</c>: every workload against the real server over HTTP, on SQLite and (when available) PostgreSQL, each
/// beside its baseline; writes bench/results/&lt;date&gt;.json, &lt;date&gt;.md and PNG charts, prints the targets,
/// and exits non-zero when any call failed or any workload broke, because such a run is not a result.
/// </summary>
internal static class AllCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var root = RepositoryRoot();
        SuiteOptions options;
        try
        {
            options = SuiteOptions.Parse(args, root);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }

        var startedAt = DateTimeOffset.UtcNow;
        var wall = Stopwatch.StartNew();
        var machine = await MachineInfo.CaptureAsync(root, cancellationToken);
        var skipped = new List<string>();
        void Log(string line) => Console.WriteLine($"[{wall.Elapsed:mm\\:ss}] {line}");

        var steps = new StepRunner(Log, cancellationToken);
        Log($"all: {machine.CpuModel}, {machine.Cores} cores, load {machine.LoadAverageAtStart}, commit {machine.GitCommit[..Math.Min(12, machine.GitCommit.Length)]}");
        var backends = new List<BackendTarget>();
        if (options.Sqlite)
        {
            backends.Add(BackendTarget.Sqlite);
        }

        if (options.Postgres)
        {
            var (pg, why) = await LocatePostgresAsync(options.PostgresConnectionString, root, cancellationToken);
            if (pg is not null)
            {
                backends.Add(new BackendTarget("postgres", pg));
            }
            else if (options.Sqlite)
            {
                skipped.Add($"PostgreSQL: {why}");
                Log($"PostgreSQL skipped: {why}");
            }
            else
            {
                steps.Fail($"PostgreSQL was asked for and is not available: {why}");
            }
        }

        var reports = new List<BackendReport>();
        await using (var ceiling = await steps.RunAsync("plaintext ceiling: start", () => PlaintextCeiling.StartAsync(cancellationToken)))
        {
            foreach (var backend in backends)
            {
                reports.Add(await RunBackendAsync(backend, ceiling, options, steps, Log, cancellationToken));
            }
        }

        MemoryFigure? memory = null;
        TenantScaleFigure? scale = null;
        if (options.Sqlite)
        {
            memory = await steps.RunAsync($"sqlite: memory at {options.MemoryTenants} idle tenants", () => MemoryWorkload.RunAsync(options, cancellationToken));
            scale = await steps.RunAsync($"sqlite: per-call cost at {options.SmallTenantCount} and {options.LargeTenantCount} tenants",
                () => ScaleWorkload.TenantsAsync(options, Log, cancellationToken));
        }
        else
        {
            skipped.Add("memory per idle tenant and per-call cost at 10,000 tenants: measured on SQLite only (10,000 PostgreSQL databases take too long to create)");
        }

        foreach (var point in AllPoints(reports, scale).Where(p => p.Errors > 0))
        {
            steps.Fail($"{point.Workload} ({point.Protocol}, c={point.Concurrency}): {point.Errors} errors, first: {point.FirstError}");
        }

        var suite = new SuiteReport
        {
            StartedAt = startedAt,
            WallSeconds = wall.Elapsed.TotalSeconds,
            Machine = machine with { LoadAverageAtEnd = MachineInfo.LoadAverage() },
            Options = options,
            Arguments = args,
            Backends = reports,
            Memory = memory,
            TenantScale = scale,
            Targets = Targets.Check(reports, memory, scale),
            Failures = steps.Failures,
            Skipped = skipped,
        };

        Directory.CreateDirectory(options.OutputDirectory);
        var stem = startedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + (options.Quick ? "-quick" : "");
        var json = Path.Combine(options.OutputDirectory, stem + ".json");
        await File.WriteAllTextAsync(json, JsonSerializer.Serialize(suite, JsonOptions), cancellationToken);
        var charts = Charts.Write(suite, options.OutputDirectory, stem);
        var markdown = Path.Combine(options.OutputDirectory, stem + ".md");
        await File.WriteAllTextAsync(markdown, MarkdownReport.Render(suite, charts), cancellationToken);

        Console.WriteLine();
        foreach (var t in suite.Targets)
        {
            Console.WriteLine(FormattableString.Invariant($"{(t.Pass ? "pass       " : "FALLS SHORT")}  {t.Backend,-8} {t.Target}: {t.Ratio:0.00} ({t.Limit})"));
        }

        Console.WriteLine(suite.IsResult
            ? $"Report: {markdown} ({suite.WallSeconds / 60:F1} min)"
            : $"NOT A RESULT ({suite.Failures.Count} failure(s)): {string.Join(" | ", suite.Failures)}\nReport (for diagnosis): {markdown}");
        return suite.IsResult ? 0 : 1;
    }

    /// <summary>
    /// One backend: a fresh server for throughput (after the plaintext ceiling, measured just before it), connections,
    /// modules and portal search; then the provisioning verb, which starts its own.
    /// </summary>
    private static async Task<BackendReport> RunBackendAsync(BackendTarget backend, PlaintextCeiling? ceiling, SuiteOptions options, StepRunner steps,
        Action<string> log, CancellationToken cancellationToken)
    {
        var report = new BackendReport { Backend = backend.Name };
        if (ceiling is not null)
        {
            report = report with
            {
                Plaintext = await steps.RunAsync($"{backend.Name}: plaintext ceiling", () => RpcThroughputWorkload.PlaintextAsync(ceiling, options, log, cancellationToken)) ?? [],
            };
        }

        var server = await steps.RunAsync($"{backend.Name}: start the server", () => BenchServer.StartAsync(backend, cancellationToken));
        if (server is not null)
        {
            await using (server)
            {
                report = report with
                {
                    ServerVersion = backend.PostgresConnectionString is { } pg ? await PostgresVersionAsync(pg, cancellationToken) : null,
                    Throughput = await steps.RunAsync($"{backend.Name}: RPC throughput", () => RpcThroughputWorkload.RunAsync(server, options, log, cancellationToken)) ?? [],
                };
                report = report with
                {
                    ConnectionsHeld = await server.ConnectionsHeldAsync(cancellationToken),
                    Modules = await steps.RunAsync($"{backend.Name}: install/uninstall sale", () => ModuleWorkload.RunAsync(server, options, log, cancellationToken)),
                    PortalSearch = await steps.RunAsync($"{backend.Name}: portal search", () => ScaleWorkload.PortalSearchAsync(server, options, log, cancellationToken)),
                };
            }
        }

        return report with
        {
            Provisioning = await steps.RunAsync($"{backend.Name}: create_new_database", () => ProvisioningWorkload.RunAsync(backend, options, cancellationToken)),
        };
    }

    private static IEnumerable<ThroughputPoint> AllPoints(IReadOnlyList<BackendReport> backends, TenantScaleFigure? scale) =>
        backends.SelectMany(b => b.Plaintext)
            .Concat(backends.SelectMany(b => b.Throughput))
            .Concat(backends.SelectMany(b => b.PortalSearch?.Calls ?? []).SelectMany(c => new[] { c.Small, c.Large }))
            .Concat(scale is null ? [] : [scale.Spread.Small, scale.Spread.Large, scale.SameSet.Large]);

    /// <summary>--pg, else SAASPORTAL_TEST_PG, else the throwaway cluster of scripts/test-postgres.sh; null with the reason when none answers.</summary>
    internal static async Task<(string? ConnectionString, string Why)> LocatePostgresAsync(string? connectionString, string root, CancellationToken cancellationToken)
    {
        var configured = connectionString ?? Environment.GetEnvironmentVariable("SAASPORTAL_TEST_PG");
        if (string.IsNullOrWhiteSpace(configured))
        {
            var script = Path.Combine(root, "scripts", "test-postgres.sh");
            if (!File.Exists(script))
            {
                return (null, "no --pg, no SAASPORTAL_TEST_PG and no scripts/test-postgres.sh");
            }

            using var process = Process.Start(new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true })
                ?? throw new InvalidOperationException("bash did not start");
            var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = await process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
            {
                return (null, $"scripts/test-postgres.sh failed ({process.ExitCode}): {errors.Trim().Split('\n')[^1]}");
            }

            configured = output.Trim().Split('\n')[^1];
        }

        try
        {
            await PostgresVersionAsync(configured, cancellationToken);
            return (configured, "");
        }
        catch (NpgsqlException e)
        {
            // The message names the host, never the password.
            return (null, "the server does not answer: " + e.Message);
        }
    }

    internal static async Task<string> PostgresVersionAsync(string pg, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(pg) { Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SHOW server_version", connection);
        return "PostgreSQL " + (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SaasPortal.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run the benchmark from inside the repository.");
    }
}
