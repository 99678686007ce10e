using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using SaasPortal.Bench.Http;
using SaasPortal.Bench.Suite;

namespace SaasPortal.Bench.Soak;

/// <summary>The whole record of one soak run: where, when, with what, and what it found.</summary>
internal sealed record SoakReport
{
    public required DateTimeOffset StartedAt { get; init; }

    public required double WallSeconds { get; init; }

    public required MachineInfo Machine { get; init; }

    public required string Backend { get; init; }

    public string? PostgresVersion { get; init; }

    public required int Clients { get; init; }

    public required int Tenants { get; init; }

    public required double DurationSeconds { get; init; }

    public required int SuspendPermille { get; init; }

    public required double CallTimeoutSeconds { get; init; }

    public required int AbandonPermille { get; init; }

    public required SoakOutcome Outcome { get; init; }
}

/// <summary>
/// <c>soak</c> (issue 8, item 6): starts the real server on SQLite or PostgreSQL, provisions the tenants through the
/// portal, runs the clients, verifies the ledger and writes &lt;date&gt;-soak-&lt;backend&gt;.json and .md. Exits 0
/// when nothing was lost or half-applied and no call met a 5xx or an unexpected error, 1 otherwise, 2 on bad options.
/// <code>dotnet run -c Release --project bench/SaasPortal.Bench -- soak [--backend postgres] [--clients 64] [--tenants 100] [--duration 300]</code>
/// </summary>
internal static class SoakCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var root = AllCommand.RepositoryRoot();
        SoakOptions options;
        try
        {
            options = SoakOptions.Parse(args, root);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }

        var report = await ExecuteAsync(options, line => Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}"), cancellationToken);
        var (json, markdown) = await WriteAsync(report, options.OutputDirectory, cancellationToken);
        var outcome = report.Outcome;
        Console.WriteLine(outcome.Verified
            ? $"Verified: {outcome.Verification.Sum(v => v.Tracked)} records match the ledger, no 5xx, no errors. Memory flat: {Flat(outcome.MemoryFlat)}."
            : $"FAILED: {outcome.Violations.Count} ledger violations, {outcome.ReadViolations.Count} read violations, {outcome.ClientSeen5xx} 5xx, {outcome.Errors} errors.");
        Console.WriteLine($"Report: {markdown} and {json}");
        return outcome.Verified ? 0 : 1;
    }

    /// <summary>Starts a server for <paramref name="options"/>, soaks it and stops it; PostgreSQL databases of the run are dropped.</summary>
    public static async Task<SoakReport> ExecuteAsync(SoakOptions options, Action<string> log, CancellationToken cancellationToken)
    {
        var root = AllCommand.RepositoryRoot();
        var startedAt = DateTimeOffset.UtcNow;
        var wall = System.Diagnostics.Stopwatch.StartNew();
        var machine = await MachineInfo.CaptureAsync(root, cancellationToken);
        string? pg = null;
        string? pgVersion = null;
        if (options.IsPostgres)
        {
            (pg, var why) = await AllCommand.LocatePostgresAsync(options.PostgresConnectionString, root, cancellationToken);
            if (pg is null)
            {
                throw new InvalidOperationException("PostgreSQL is not available: " + why);
            }

            pgVersion = await AllCommand.PostgresVersionAsync(pg, cancellationToken);
        }

        var stem = "sk" + Guid.NewGuid().ToString("N")[..8];
        List<string> arguments = pg is null ? [] : ["--db-backend", "postgres", "--pg", pg];
        arguments.AddRange(["--portal-db", stem + "-portal"]);
        log($"soak: {options.Backend}, {options.Clients} clients, {options.Tenants} tenants, {options.Duration.TotalSeconds:F0} s; load {machine.LoadAverageAtStart}");
        SoakOutcome outcome;
        var serverLog = new ServerLogWatch();
        try
        {
            await using var server = await ServerUnderTest.StartAsync(options.Configuration, arguments, cancellationToken, onOutput: serverLog.Line);
            outcome = await SoakRun.RunAsync(options, new SoakTarget(server.Url, server.ProcessId, stem + "-portal", "admin", stem), log, cancellationToken);
        }
        finally
        {
            if (pg is not null)
            {
                await PostgresCleanup.DropDatabasesAsync(pg, stem, CancellationToken.None);
            }
        }

        return new SoakReport
        {
            StartedAt = startedAt,
            WallSeconds = wall.Elapsed.TotalSeconds,
            Machine = machine with { LoadAverageAtEnd = MachineInfo.LoadAverage() },
            Backend = options.Backend,
            PostgresVersion = pgVersion,
            Clients = options.Clients,
            Tenants = options.Tenants,
            DurationSeconds = options.Duration.TotalSeconds,
            SuspendPermille = options.SuspendPermille,
            CallTimeoutSeconds = options.CallTimeout.TotalSeconds,
            AbandonPermille = options.AbandonPermille,
            Outcome = outcome with { ServerErrorsLogged = serverLog.Errors, FirstServerErrors = serverLog.First },
        };
    }

    public static async Task<(string Json, string Markdown)> WriteAsync(SoakReport report, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var stem = Path.Combine(directory, $"{report.StartedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}-soak-{report.Backend}");
        await File.WriteAllTextAsync(stem + ".json", JsonSerializer.Serialize(report, JsonOptions), cancellationToken);
        await File.WriteAllTextAsync(stem + ".md", SoakMarkdown.Render(report), cancellationToken);
        return (stem + ".json", stem + ".md");
    }

    internal static string Flat(bool? flat) => flat switch { true => "yes", false => "NO", null => "run too short to judge" };
}
