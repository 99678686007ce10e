using System.Globalization;

namespace SaasPortal.Bench.Soak;

/// <summary>Settings of one <c>soak</c> run (issue 8, item 6). The defaults are the issue's: 64 clients, 5 minutes, 100 tenants.</summary>
internal sealed record SoakOptions
{
    public const string Usage = """
        soak [--clients 64] [--tenants 100] [--duration 300] [--backend sqlite|postgres] [--pg <npgsql>]
             [--suspend-permille 10] [--abandon-permille 20] [--call-timeout 30] [--sample-every 5] [--configuration Release] [--out bench/results]
        """;

    /// <summary>Concurrent closed-loop clients.</summary>
    public required int Clients { get; init; }

    /// <summary>Tenants provisioned through the portal before the load starts.</summary>
    public required int Tenants { get; init; }

    public required TimeSpan Duration { get; init; }

    /// <summary>"sqlite" or "postgres".</summary>
    public required string Backend { get; init; }

    /// <summary>An Npgsql connection string; null: SAASPORTAL_TEST_PG, then scripts/test-postgres.sh.</summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>Per thousand operations, how many suspend a tenant (each suspension is lifted again after a short hold).</summary>
    public required int SuspendPermille { get; init; }

    /// <summary>
    /// Per thousand creates, writes and deletes, how many the client abandons if no answer came within a random
    /// 1–1000 ms (it cancels the request, which closes the connection): unacknowledged calls on purpose, whose
    /// effect must then be all or nothing.
    /// </summary>
    public required int AbandonPermille { get; init; }

    /// <summary>A call without an answer after this long is given up and recorded as unanswered.</summary>
    public required TimeSpan CallTimeout { get; init; }

    /// <summary>How often the server's memory is sampled.</summary>
    public required TimeSpan SampleInterval { get; init; }

    /// <summary>Build configuration of the server to start (its bin/&lt;configuration&gt; output).</summary>
    public required string Configuration { get; init; }

    /// <summary>Folder receiving &lt;date&gt;-soak-&lt;backend&gt;.json and .md.</summary>
    public required string OutputDirectory { get; init; }

    public bool IsPostgres => Backend == "postgres";

    public static SoakOptions Parse(IReadOnlyList<string> args, string repositoryRoot)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Count)
            {
                values[args[i]] = args[++i];
            }
            else
            {
                throw new ArgumentException($"Unknown argument '{args[i]}'. Usage: {Usage}");
            }
        }

        string? Text(string name) => values.Remove(name, out var value) ? value : null;
        int Int(string name, int normal, int min, int max)
        {
            var value = Text(name) is { } v ? int.Parse(v, NumberStyles.None, CultureInfo.InvariantCulture) : normal;
            return value >= min && value <= max ? value : throw new ArgumentException($"{name} must be in [{min}, {max}].");
        }

        var backend = Text("--backend") ?? "sqlite";
        if (backend is not ("sqlite" or "postgres"))
        {
            throw new ArgumentException($"--backend must be sqlite or postgres, not '{backend}'.");
        }

        var configuration = Text("--configuration") ?? "Release";
        if (configuration is not ("Release" or "Debug"))
        {
            throw new ArgumentException("--configuration must be Release or Debug.");
        }

        var options = new SoakOptions
        {
            Clients = Int("--clients", 64, 1, 1024),
            Tenants = Int("--tenants", 100, 1, 10_000),
            Duration = TimeSpan.FromSeconds(Int("--duration", 300, 1, 24 * 3600)),
            Backend = backend,
            PostgresConnectionString = Text("--pg"),
            SuspendPermille = Int("--suspend-permille", 10, 0, 500),
            AbandonPermille = Int("--abandon-permille", 20, 0, 1000),
            CallTimeout = TimeSpan.FromSeconds(Int("--call-timeout", 30, 1, 3600)),
            SampleInterval = TimeSpan.FromSeconds(Int("--sample-every", 5, 1, 600)),
            Configuration = configuration,
            OutputDirectory = Path.GetFullPath(Text("--out") ?? Path.Combine(repositoryRoot, "bench", "results")),
        };
        return values.Count == 0 ? options : throw new ArgumentException($"Unknown option {values.Keys.First()}. Usage: {Usage}");
    }
}
