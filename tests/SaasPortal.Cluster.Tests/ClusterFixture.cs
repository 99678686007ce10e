using System.Text.Json.Nodes;
using SaasPortal.Testing;

// The nodes are Linux processes behind Debian's nginx.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace SaasPortal.Cluster.Tests;

/// <summary>
/// Two PostgreSQL clusters (the installation's own and the portal's server record "cluster-b") and three <c>serve</c>
/// nodes (A, then B and C) sharing one PostgreSQL portal database and one data directory (Data Protection keys, master
/// password, file stores, backups), Debian's nginx in front of A and B, and two tenants made through the portal, one
/// on each cluster. The portal's public URL (<c>web.base.url</c>) is the proxy's, as in production. Maintenance runs
/// every two seconds so its cluster-wide behaviour shows within a test.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const string AdminLogin = "admin";
    public const string AdminPassword = "admin";
    public const string OwnerLogin = "owner@example.com";
    public const string OwnerPortalPassword = "owner portal password";
    public const string OwnerPassword = "tenant owner password";
    public static readonly TimeSpan MaintenanceInterval = TimeSpan.FromSeconds(2);

    private readonly List<ServerProcess> _nodes = [];
    private bool _spareKilled;

    /// <summary>A short prefix unique to this fixture: every database it makes starts with it.</summary>
    public string Prefix { get; } = "c" + Guid.NewGuid().ToString("N")[..7];

    /// <summary>The portal database's name.</summary>
    public string PortalDatabase => Prefix + "-portal";

    /// <summary>The data directory every node shares.</summary>
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "saasportal-cluster-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>The PostgreSQL server's connection string: the installation's own cluster (portal, templates, tenant 1).</summary>
    public string Postgres { get; private set; } = "";

    /// <summary>A second PostgreSQL cluster, the portal's server record "cluster-b" (tenant 2).</summary>
    public string SecondPostgres { get; private set; } = "";

    /// <summary>Node A (started first; it created the portal).</summary>
    public ServerProcess A => _nodes[0];

    /// <summary>Node B.</summary>
    public ServerProcess B => _nodes[1];

    /// <summary>Node C: a third node, outside the shared proxy, for the test that kills one (<see cref="KillSpareAsync"/>).</summary>
    public ServerProcess Spare => _nodes[2];

    /// <summary>nginx in front of A and B.</summary>
    public Nginx Proxy { get; private set; } = null!;

    /// <summary>The portal administrator's credentials.</summary>
    public Credentials Admin { get; private set; } = null!;

    /// <summary>The tenants' database names.</summary>
    public IReadOnlyList<string> Tenants { get; private set; } = [];

    /// <summary>The default plan's id.</summary>
    public int PlanId { get; private set; }

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        Postgres = await TestPostgres.ConnectionStringAsync(ct);
        SecondPostgres = await TestPostgres.SecondConnectionStringAsync(ct);
        // One at a time: the first node creates the portal database and the key ring the others then read.
        _nodes.Add(await StartNodeAsync(ct));
        _nodes.AddRange(await Task.WhenAll(StartNodeAsync(ct), StartNodeAsync(ct)));
        Proxy = await Nginx.StartAsync([A.Url, B.Url], retryPosts: false, ct);

        using var rpc = new Rpc();
        Admin = await rpc.LoginAsync(A.Url, PortalDatabase, AdminLogin, AdminPassword, ct);
        await rpc.ExecuteAsync(A.Url, Admin, "ir.config_parameter", "set_param", ["web.base.url", Proxy.Url], null, ct);
        PlanId = Json.Int(Json.Items(await rpc.ExecuteAsync(A.Url, Admin, "saas_portal.plan", "search",
            [new JsonArray(new JsonArray("state", "=", "confirmed"))], new JsonObject { ["limit"] = 1 }, ct)).First());

        // The customer who owns the tenants: a portal user, so SSO from the portal opens them.
        var owner = Json.Int(await rpc.ExecuteAsync(A.Url, Admin, "res.users", "create",
            [new JsonObject { ["name"] = "Owner", ["login"] = OwnerLogin, ["password"] = OwnerPortalPassword }], null, ct));
        // Tenant 1 on the own cluster, tenant 2 on the second: the plan names the server each is created on.
        var local = Json.Int(await rpc.ExecuteAsync(A.Url, Admin, "ir.model.data", "xmlid_to_res_id", ["saas_portal.server_local"], null, ct));
        var second = Json.Int(await rpc.ExecuteAsync(A.Url, Admin, "saas_portal.server", "create",
            [new JsonObject { ["name"] = "cluster-b", ["backend"] = "postgres", ["connection"] = SecondPostgres, ["sequence"] = 20 }], null, ct));
        var tenants = new List<string>();
        foreach (var (node, n, server) in new[] { (A, 1, local), (B, 2, second) })
        {
            var name = $"{Prefix}-t{n}";
            await rpc.ExecuteAsync(node.Url, Admin, "saas_portal.plan", "write", [new JsonArray(PlanId), new JsonObject { ["server_id"] = server }], null, ct);
            await rpc.ExecuteAsync(node.Url, Admin, "saas_portal.plan", "create_new_database", [new JsonArray(PlanId)],
                new JsonObject { ["dbname"] = name, ["user_id"] = owner, ["owner_password"] = OwnerPassword }, ct);
            tenants.Add(name);
        }

        await rpc.ExecuteAsync(A.Url, Admin, "saas_portal.plan", "write", [new JsonArray(PlanId), new JsonObject { ["server_id"] = local }], null, ct);
        Tenants = tenants;
    }

    /// <summary>Starts another node on the shared portal and data directory.</summary>
    public Task<ServerProcess> StartNodeAsync(CancellationToken cancellationToken) =>
        ServerProcess.StartAsync(DataDirectory,
            ["--db-backend", "postgres", "--pg", Postgres, "--portal-db", PortalDatabase],
            cancellationToken,
            new Dictionary<string, string> { ["SaasPortal__MaintenanceInterval"] = MaintenanceInterval.ToString("c") });

    /// <summary>Kills node C with SIGKILL (no graceful shutdown), as a crashed machine would go.</summary>
    public async Task KillSpareAsync()
    {
        if (!_spareKilled)
        {
            _spareKilled = true;
            await Spare.DisposeAsync();
        }
    }

    /// <summary>Every node's output, for failure messages.</summary>
    public string Logs() => string.Join("\n", _nodes.Select((n, i) => $"--- node {(char)('A' + i)} ---\n{n.Output}"));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }

        await KillSpareAsync();
        foreach (var node in _nodes.Take(2))
        {
            await node.DisposeAsync();
        }

        await RemoveAsync(Prefix, SecondPostgres, DataDirectory);
    }

    /// <summary>Drops a fixture's databases on both clusters (the second when it was reached) and deletes its data directory.</summary>
    internal static async Task RemoveAsync(string prefix, string secondPostgres, string dataDirectory)
    {
        await TestPostgres.DropDatabasesAsync(prefix, CancellationToken.None);
        if (secondPostgres.Length > 0)
        {
            await TestPostgres.DropDatabasesAsync(secondPostgres, prefix, CancellationToken.None);
        }

        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}

/// <summary>The cluster tests share one two-node cluster and run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "two nodes behind nginx";
}
