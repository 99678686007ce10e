using System.Diagnostics;
using System.Text.Json.Nodes;
using Npgsql;
using SaasPortal.Testing;

namespace SaasPortal.Cluster.Tests;

/// <summary>
/// Production's connection layout: a PgBouncer in transaction mode in front of each of two PostgreSQL clusters
/// (scripts/test-pgbouncer.sh, whose server side is capped at 24 connections), two <c>serve</c> nodes started with
/// <c>--pg</c> (direct) and <c>--pg-pooler</c> (the first PgBouncer), and the second cluster recorded as a
/// <c>saas_portal.server</c> with its own PgBouncer in <c>pooler</c>. One tenant is made through the portal on each
/// cluster. Maintenance runs every two seconds.
/// </summary>
public sealed class PgBouncerFixture : IAsyncLifetime
{
    private readonly List<ServerProcess> _nodes = [];

    /// <summary>A short prefix unique to this fixture: every database it makes starts with it.</summary>
    public string Prefix { get; } = "b" + Guid.NewGuid().ToString("N")[..7];

    /// <summary>The portal database's name.</summary>
    public string PortalDatabase => Prefix + "-portal";

    /// <summary>The data directory both nodes share.</summary>
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "saasportal-pgbouncer-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>The installation's own cluster, direct.</summary>
    public string Postgres { get; private set; } = "";

    /// <summary>The PgBouncer in front of <see cref="Postgres"/> (Host and Port).</summary>
    public string Bouncer { get; private set; } = "";

    /// <summary>The second cluster, direct.</summary>
    public string SecondPostgres { get; private set; } = "";

    /// <summary>The PgBouncer in front of <see cref="SecondPostgres"/> (Host and Port).</summary>
    public string SecondBouncer { get; private set; } = "";

    public ServerProcess A => _nodes[0];

    public ServerProcess B => _nodes[1];

    public IReadOnlyList<ServerProcess> Nodes => _nodes;

    public Credentials Admin { get; private set; } = null!;

    /// <summary>Tenant 1 on the own cluster, tenant 2 on the second.</summary>
    public IReadOnlyList<string> Tenants { get; private set; } = [];

    public int PlanId { get; private set; }

    public int OwnerId { get; private set; }

    /// <summary>The server record of the own cluster and of the second one.</summary>
    public int LocalServer { get; private set; }

    public int SecondServer { get; private set; }

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        Postgres = await TestPostgres.ConnectionStringAsync(ct);
        SecondPostgres = await TestPostgres.SecondConnectionStringAsync(ct);
        Bouncer = await TestPostgres.PgBouncerConnectionStringAsync(ct);
        SecondBouncer = await TestPostgres.SecondPgBouncerConnectionStringAsync(ct);
        _nodes.Add(await StartNodeAsync(ct));
        _nodes.Add(await StartNodeAsync(ct));

        using var rpc = new Rpc();
        Admin = await rpc.LoginAsync(A.Url, PortalDatabase, ClusterFixture.AdminLogin, ClusterFixture.AdminPassword, ct);
        PlanId = Json.Int(Json.Items(await rpc.ExecuteAsync(A.Url, Admin, "saas_portal.plan", "search",
            [new JsonArray(new JsonArray("state", "=", "confirmed"))], new JsonObject { ["limit"] = 1 }, ct)).First());
        OwnerId = Json.Int(await rpc.ExecuteAsync(A.Url, Admin, "res.users", "create",
            [new JsonObject { ["name"] = "Owner", ["login"] = ClusterFixture.OwnerLogin, ["password"] = ClusterFixture.OwnerPortalPassword }], null, ct));
        LocalServer = Json.Int(await rpc.ExecuteAsync(A.Url, Admin, "ir.model.data", "xmlid_to_res_id", ["saas_portal.server_local"], null, ct));
        SecondServer = Json.Int(await rpc.ExecuteAsync(A.Url, Admin, "saas_portal.server", "create",
            [new JsonObject { ["name"] = "cluster-b", ["connection"] = SecondPostgres, ["pooler"] = SecondBouncer, ["sequence"] = 20 }], null, ct));
        Tenants = [await CreateTenantAsync(rpc, "t1", LocalServer, ct), await CreateTenantAsync(rpc, "t2", SecondServer, ct)];
    }

    /// <summary>Creates a tenant named <c>&lt;prefix&gt;-&lt;suffix&gt;</c> through the portal on <paramref name="server"/>.</summary>
    public async Task<string> CreateTenantAsync(Rpc rpc, string suffix, int server, CancellationToken cancellationToken)
    {
        var name = $"{Prefix}-{suffix}";
        await rpc.ExecuteAsync(A.Url, Admin, "saas_portal.plan", "write", [new JsonArray(PlanId), new JsonObject { ["server_id"] = server }], null, cancellationToken);
        await rpc.ExecuteAsync(A.Url, Admin, "saas_portal.plan", "create_new_database", [new JsonArray(PlanId)],
            new JsonObject { ["dbname"] = name, ["user_id"] = OwnerId, ["owner_password"] = ClusterFixture.OwnerPassword }, cancellationToken);
        return name;
    }

    private Task<ServerProcess> StartNodeAsync(CancellationToken cancellationToken) =>
        ServerProcess.StartAsync(DataDirectory,
            ["--db-backend", "postgres", "--pg", Postgres, "--pg-pooler", Bouncer, "--portal-db", PortalDatabase],
            cancellationToken,
            new Dictionary<string, string> { ["SaasPortal__MaintenanceInterval"] = ClusterFixture.MaintenanceInterval.ToString("c") });

    /// <summary>Both nodes' output, for failure messages.</summary>
    public string Logs() => string.Join("\n", _nodes.Select((n, i) => $"--- node {(char)('A' + i)} ---\n{n.Output}"));

    /// <summary>
    /// Rows of a PgBouncer admin console command (<c>SHOW STATS</c>, <c>SHOW SERVERS</c>…) as column → value maps,
    /// through psql: the console speaks only the simple query protocol, which Npgsql does not use.
    /// </summary>
    public static async Task<List<Dictionary<string, string>>> AdminAsync(string bouncer, string command, CancellationToken cancellationToken)
    {
        var settings = new NpgsqlConnectionStringBuilder(bouncer);
        var start = new ProcessStartInfo("psql") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-h", settings.Host!, "-p", settings.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "-U", "postgres", "-d", "pgbouncer", "--no-psqlrc", "-A", "-F", "\t", "-P", "footer=off", "-c", command })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        Assert.True(process.ExitCode == 0, $"psql {command} on the PgBouncer console failed: {errors}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split('\t');
        return [.. lines.Skip(1).Select(line => header.Zip(line.Split('\t')).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal))];
    }

    /// <summary>Transactions PgBouncer has carried per database since it started (<c>SHOW STATS</c>).</summary>
    public static async Task<Dictionary<string, long>> TransactionsAsync(string bouncer, CancellationToken cancellationToken) =>
        (await AdminAsync(bouncer, "SHOW STATS", cancellationToken)).ToDictionary(
            row => row["database"], row => long.Parse(row["total_xact_count"], System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        await ClusterFixture.RemoveAsync(Prefix, SecondPostgres, DataDirectory);
    }
}

/// <summary>The PgBouncer tests share one pair of nodes and run one at a time, apart from the nginx cluster's.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PgBouncerCollection : ICollectionFixture<PgBouncerFixture>
{
    public const string Name = "two nodes through PgBouncer";
}
