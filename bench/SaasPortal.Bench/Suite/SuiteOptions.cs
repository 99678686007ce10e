using System.Globalization;

namespace SaasPortal.Bench.Suite;

/// <summary>
/// Settings of one <c>all</c> run. The defaults size the whole run to about ten minutes on two cores;
/// <c>--quick</c> shrinks every workload to seconds so the command can be smoke-tested end to end.
/// </summary>
internal sealed record SuiteOptions
{
    public required bool Quick { get; init; }

    /// <summary>Measured seconds per throughput point (one workload, protocol and concurrency).</summary>
    public required double Seconds { get; init; }

    public required IReadOnlyList<int> Concurrencies { get; init; }

    /// <summary>Run on SQLite.</summary>
    public required bool Sqlite { get; init; }

    /// <summary>Run on PostgreSQL when a server is available.</summary>
    public required bool Postgres { get; init; }

    /// <summary>An Npgsql connection string; null: SAASPORTAL_TEST_PG, then scripts/test-postgres.sh.</summary>
    public required string? PostgresConnectionString { get; init; }

    /// <summary>res.partner rows seeded for search_read (80 are read per call).</summary>
    public required int Partners { get; init; }

    /// <summary>Sequential create_new_database calls (and as many raw copies).</summary>
    public required int ProvisioningCalls { get; init; }

    /// <summary>Install/uninstall rounds of sale, each on a fresh tenant.</summary>
    public required int ModuleIterations { get; init; }

    /// <summary>Idle tenants opened for the memory figure.</summary>
    public required int MemoryTenants { get; init; }

    /// <summary>saas_portal.client rows for the portal search figure.</summary>
    public required int Clients { get; init; }

    /// <summary>Tenants on disk for the small and the large side of the per-call cost comparison.</summary>
    public required int SmallTenantCount { get; init; }

    public required int LargeTenantCount { get; init; }

    /// <summary>How many of the large set are opened (one call each) before the per-call cost is measured.</summary>
    public required int LargeTenantsOpened { get; init; }

    /// <summary>Time allowed for opening the large set; the figure says how many were opened when it ran out.</summary>
    public required double LargeTenantsOpenSeconds { get; init; }

    /// <summary>Folder receiving &lt;date&gt;.json, &lt;date&gt;.md and the charts.</summary>
    public required string OutputDirectory { get; init; }

    public TimeSpan Duration => TimeSpan.FromSeconds(Seconds);

    public const string Usage = """
        all [--quick] [--seconds 3] [--concurrency 1,16,64] [--backend both|sqlite|postgres] [--pg <npgsql>]
            [--partners 10000] [--provisioning-calls 30] [--module-iterations 3] [--tenants 1000] [--clients 100000]
            [--scale-tenants 100,10000] [--scale-open 1000] [--scale-open-seconds 120] [--out bench/results]
        """;

    public static SuiteOptions Parse(IReadOnlyList<string> args, string repositoryRoot)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var quick = false;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--quick")
            {
                quick = true;
            }
            else if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Count)
            {
                values[args[i]] = args[++i];
            }
            else
            {
                throw new ArgumentException($"Unknown argument '{args[i]}'. Usage: {Usage}");
            }
        }

        string? Text(string name) => values.Remove(name, out var value) ? value : null;
        int Int(string name, int normal, int fast) =>
            Text(name) is { } v ? Positive(name, int.Parse(v, NumberStyles.None, CultureInfo.InvariantCulture)) : quick ? fast : normal;
        IReadOnlyList<int> Ints(string name, string normal, string fast) =>
            [.. (Text(name) ?? (quick ? fast : normal)).Split(',').Select(v => Positive(name, int.Parse(v, NumberStyles.None, CultureInfo.InvariantCulture)))];

        var backend = Text("--backend") ?? (quick ? "sqlite" : "both");
        if (backend is not ("both" or "sqlite" or "postgres"))
        {
            throw new ArgumentException($"--backend must be both, sqlite or postgres, not '{backend}'.");
        }

        var seconds = Text("--seconds") is { } s ? double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture) : quick ? 0.5 : 3;
        if (seconds is <= 0 or > 600)
        {
            throw new ArgumentException("--seconds must be in (0, 600].");
        }

        var scale = Ints("--scale-tenants", "100,10000", "10,60");
        if (scale.Count != 2 || scale[0] >= scale[1])
        {
            throw new ArgumentException("--scale-tenants takes two counts, small then large (e.g. 100,10000).");
        }

        var options = new SuiteOptions
        {
            Quick = quick,
            Seconds = seconds,
            Concurrencies = Ints("--concurrency", "1,16,64", "1,16"),
            Sqlite = backend != "postgres",
            Postgres = backend != "sqlite",
            PostgresConnectionString = Text("--pg"),
            Partners = Math.Max(80, Int("--partners", 10_000, 400)),
            ProvisioningCalls = Int("--provisioning-calls", 30, 3),
            ModuleIterations = Int("--module-iterations", 3, 1),
            MemoryTenants = Int("--tenants", 1000, 20),
            Clients = Math.Max(200, Int("--clients", 100_000, 2_000)),
            SmallTenantCount = scale[0],
            LargeTenantCount = scale[1],
            LargeTenantsOpened = Math.Min(scale[1], Int("--scale-open", 1000, 20)),
            LargeTenantsOpenSeconds = Int("--scale-open-seconds", 120, 30),
            OutputDirectory = Path.GetFullPath(Text("--out") ?? Path.Combine(repositoryRoot, "bench", "results")),
        };
        return values.Count == 0 ? options : throw new ArgumentException($"Unknown option {values.Keys.First()}. Usage: {Usage}");
    }

    private static int Positive(string name, int value) => value > 0 ? value : throw new ArgumentException($"{name} must be positive.");
}
