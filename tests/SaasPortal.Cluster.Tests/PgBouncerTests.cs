using System.Diagnostics;
using System.Text.Json.Nodes;
using Npgsql;

namespace SaasPortal.Cluster.Tests;

/// <summary>
/// Tenant traffic through PgBouncer in transaction mode (issue 6): each server's tenants reach it through that
/// server's PgBouncer, concurrent writers queue behind its capped server side and lose nothing, and what needs a
/// session of its own (the cluster's maintenance lock, dumps, moves) still reaches PostgreSQL directly.
/// </summary>
[Collection(PgBouncerCollection.Name)]
public sealed class PgBouncerTests(PgBouncerFixture cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_servers_tenants_are_reached_through_that_servers_pgbouncer_from_either_node()
    {
        var before = await PgBouncerFixture.TransactionsAsync(cluster.Bouncer, Ct);
        var secondBefore = await PgBouncerFixture.TransactionsAsync(cluster.SecondBouncer, Ct);
        using var rpc = new Rpc();
        foreach (var tenant in cluster.Tenants)
        {
            // Written through A, read through B: one session cookie-less login per node, as any client would.
            var onA = await rpc.LoginAsync(cluster.A.Url, tenant, ClusterFixture.OwnerLogin, ClusterFixture.OwnerPassword, Ct);
            var name = $"Through PgBouncer {Guid.NewGuid():N}";
            await rpc.ExecuteAsync(cluster.A.Url, onA, "res.partner", "create", [new JsonObject { ["name"] = name }], null, Ct);
            var onB = await rpc.LoginAsync(cluster.B.Url, tenant, ClusterFixture.OwnerLogin, ClusterFixture.OwnerPassword, Ct);
            var found = await rpc.ExecuteAsync(cluster.B.Url, onB, "res.partner", "search_count", [new JsonArray(new JsonArray("name", "=", name))], null, Ct);
            Assert.Equal(1, Json.Int(found));
        }

        // And the portal, on B (PgBouncer forgets the statistics of a database idle for autodb_idle_timeout).
        Assert.True(Json.Int(await rpc.ExecuteAsync(cluster.B.Url, cluster.Admin, "saas_portal.client", "search_count", [new JsonArray()], null, Ct)) >= 2);

        var after = await PgBouncerFixture.TransactionsAsync(cluster.Bouncer, Ct);
        var secondAfter = await PgBouncerFixture.TransactionsAsync(cluster.SecondBouncer, Ct);
        var (local, remote) = (cluster.Tenants[0], cluster.Tenants[1]);
        Assert.True(Grew(before, after, local), $"{local} carried no transaction through the first PgBouncer: {Show(after)}");
        Assert.True(Grew(before, after, cluster.PortalDatabase), $"the portal carried no transaction through the first PgBouncer: {Show(after)}");
        Assert.True(Grew(secondBefore, secondAfter, remote), $"{remote} carried no transaction through the second server's PgBouncer: {Show(secondAfter)}");
        Assert.False(after.ContainsKey(remote), $"{remote} lives on the second server but went through the first one's PgBouncer");
        Assert.False(secondAfter.ContainsKey(local), $"{local} lives on the own server but went through the second one's PgBouncer");
    }

    [Fact]
    public async Task Forty_concurrent_writers_on_two_nodes_queue_behind_pgbouncer_and_lose_nothing()
    {
        const int workers = 40, each = 8;
        using var rpc = new Rpc(TimeSpan.FromSeconds(60));
        var owners = new Dictionary<string, Credentials>(StringComparer.Ordinal);
        foreach (var tenant in cluster.Tenants)
        {
            owners[tenant] = await rpc.LoginAsync(cluster.A.Url, tenant, ClusterFixture.OwnerLogin, ClusterFixture.OwnerPassword, Ct);
        }

        var tag = Guid.NewGuid().ToString("N")[..10];
        // Every worker also rewrites one shared record per round: concurrent updates of one row make PostgreSQL end
        // some transactions with a serialization failure, which the server retries; through PgBouncer the retry
        // runs on whichever server session is free. After its retries a write may still be refused with Odoo's
        // "changed at the same time" error (20 writers on one row of a loaded machine); it must then have no effect.
        var shared = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (tenant, owner) in owners)
        {
            shared[tenant] = Json.Int(await rpc.ExecuteAsync(cluster.A.Url, owner, "res.partner", "create", [new JsonObject { ["name"] = $"shared {tag}" }], null, Ct));
        }

        var failures = new List<string>();
        var (rewrites, refused) = (0, 0);
        var written = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var serverConnections = 0;
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                var pools = await PgBouncerFixture.AdminAsync(cluster.Bouncer, "SHOW SERVERS", CancellationToken.None);
                InterlockedMax(ref serverConnections, pools.Count);
                await Task.Delay(100, CancellationToken.None);
            }
        }, CancellationToken.None);

        await Parallel.ForEachAsync(Enumerable.Range(0, workers), new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = Ct }, async (worker, ct) =>
        {
            var node = cluster.Nodes[worker % cluster.Nodes.Count];
            var tenant = cluster.Tenants[worker / cluster.Nodes.Count % cluster.Tenants.Count];
            for (var i = 0; i < each; i++)
            {
                try
                {
                    await rpc.ExecuteAsync(node.Url, owners[tenant], "res.partner", "create",
                        [new JsonObject { ["name"] = $"w{tag} {worker}-{i}" }], null, ct);
                }
                catch (Exception e) when (e is HttpRequestException or RpcFault or TaskCanceledException)
                {
                    lock (failures)
                    {
                        failures.Add($"worker {worker} call {i} on {tenant}: {e.Message}");
                    }
                }

                try
                {
                    await rpc.ExecuteAsync(node.Url, owners[tenant], "res.partner", "write",
                        [new JsonArray(shared[tenant]), new JsonObject { ["comment"] = $"{worker}-{i}" }], null, ct);
                    Interlocked.Increment(ref rewrites);
                    written[$"{worker}-{i}"] = true;
                }
                catch (RpcFault e) when (e.Message.Contains("changed the same data at the same time", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref refused);
                }
                catch (Exception e) when (e is HttpRequestException or RpcFault or TaskCanceledException)
                {
                    lock (failures)
                    {
                        failures.Add($"worker {worker} call {i} on {tenant}: {e.Message}");
                    }
                }
            }
        });
        await sampling.CancelAsync();
        await sampler;

        Assert.True(failures.Count == 0, $"{failures.Count} failed calls:\n{string.Join("\n", failures.Take(10))}\n{cluster.Logs()[^4000..]}");
        Assert.True(rewrites > 0, $"every one of the {refused} rewrites of the shared records was refused");
        foreach (var (tenant, owner) in owners)
        {
            var last = Json.Items(await rpc.ExecuteAsync(cluster.A.Url, owner, "res.partner", "read", [new JsonArray(shared[tenant]), new JsonArray("comment")], null, Ct)).Single();
            Assert.True(written.ContainsKey(Json.Text(last["comment"]) ?? ""), $"{tenant}'s shared record holds {last["comment"]}, which no accepted write sent");
            var created = await rpc.ExecuteAsync(cluster.B.Url, owner, "res.partner", "search_count", [new JsonArray(new JsonArray("name", "=like", $"w{tag} %"))], null, Ct);
            Assert.Equal(workers / cluster.Tenants.Count * each, Json.Int(created));
        }

        // The nodes held up to 64 connections each toward the first server; PostgreSQL saw at most PgBouncer's cap.
        Assert.InRange(serverConnections, 1, 24);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{workers} writers, {workers * each * 2} calls ({refused} rewrites refused as concurrent): at most {serverConnections} server connections behind PgBouncer");
    }

    [Fact]
    public async Task The_maintenance_lock_is_taken_on_a_direct_session_never_on_one_pgbouncer_lends()
    {
        // Sampled over several passes: whenever a node holds the lock, its session must be its own direct one, which
        // PgBouncer does not know; a lock taken through PgBouncer would stay on a server session it lends to others.
        var holders = new List<(int Pid, string Application)>();
        var bouncerPids = new HashSet<int>();
        await using var direct = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(cluster.Postgres) { Database = cluster.PortalDatabase }.ConnectionString);
        var passesBefore = Passes();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < ClusterFixture.MaintenanceInterval * 4)
        {
            await using (var command = direct.CreateCommand("""
                SELECT l.pid, COALESCE(a.application_name, '') FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """))
            await using (var reader = await command.ExecuteReaderAsync(Ct))
            {
                while (await reader.ReadAsync(Ct))
                {
                    holders.Add((reader.GetInt32(0), reader.GetString(1)));
                }
            }

            foreach (var server in await PgBouncerFixture.AdminAsync(cluster.Bouncer, "SHOW SERVERS", Ct))
            {
                bouncerPids.Add(int.Parse(server["remote_pid"], System.Globalization.CultureInfo.InvariantCulture));
            }

            await Task.Delay(50, Ct);
        }

        Assert.True(Passes() > passesBefore, "no maintenance pass ran in four intervals:\n" + cluster.Logs());
        Assert.All(holders, h => Assert.DoesNotContain(h.Pid, bouncerPids));
        Assert.All(holders, h => Assert.Equal("saasportal maintenance lock", h.Application));
        Assert.DoesNotContain("maintenance lock was not held", cluster.Logs(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tenant_is_dumped_restored_and_moved_between_clusters_behind_their_pgbouncers()
    {
        using var rpc = new Rpc(TimeSpan.FromMinutes(2));
        var tenant = await cluster.CreateTenantAsync(rpc, "moved", cluster.LocalServer, Ct);
        var owner = await rpc.LoginAsync(cluster.A.Url, tenant, ClusterFixture.OwnerLogin, ClusterFixture.OwnerPassword, Ct);
        var rows = new JsonArray([.. Enumerable.Range(0, 50).Select(i => (JsonNode)new JsonObject { ["name"] = $"kept {i}" })]);
        await rpc.ExecuteAsync(cluster.A.Url, owner, "res.partner", "create", [rows], null, Ct);

        // pg_dump and pg_restore go to PostgreSQL directly: PgBouncer in transaction mode cannot carry their sessions.
        var master = cluster.A.ReadMasterPassword();
        var archive = Json.Text(await rpc.CallAsync(cluster.A.Url, "db", "dump", [master, tenant, "zip"], Ct))!;
        var restored = cluster.Prefix + "-restored";
        await rpc.CallAsync(cluster.B.Url, "db", "restore", [master, restored, archive, true], Ct);
        var admin = await rpc.LoginAsync(cluster.B.Url, restored, ClusterFixture.OwnerLogin, ClusterFixture.OwnerPassword, Ct);
        Assert.Equal(50, Json.Int(await rpc.ExecuteAsync(cluster.B.Url, admin, "res.partner", "search_count",
            [new JsonArray(new JsonArray("name", "=like", "kept %"))], null, Ct)));

        var client = Json.Int(Json.Items(await rpc.ExecuteAsync(cluster.A.Url, cluster.Admin, "saas_portal.client", "search",
            [new JsonArray(new JsonArray("name", "=", tenant))], null, Ct)).Single());
        await rpc.ExecuteAsync(cluster.A.Url, cluster.Admin, "saas_portal.client", "move_to_server", [new JsonArray(client), cluster.SecondServer], null, Ct);

        var secondBefore = await PgBouncerFixture.TransactionsAsync(cluster.SecondBouncer, Ct);
        foreach (var node in cluster.Nodes)
        {
            try
            {
                var session = await rpc.LoginAsync(node.Url, tenant, ClusterFixture.OwnerLogin, ClusterFixture.OwnerPassword, Ct);
                Assert.Equal(50, Json.Int(await rpc.ExecuteAsync(node.Url, session, "res.partner", "search_count",
                    [new JsonArray(new JsonArray("name", "=like", "kept %"))], null, Ct)));
            }
            catch (RpcFault e)
            {
                Assert.Fail($"{tenant} after its move, on {node.Url}: {e.Message}\n{cluster.Logs()}");
            }
        }

        var secondAfter = await PgBouncerFixture.TransactionsAsync(cluster.SecondBouncer, Ct);
        Assert.True(Grew(secondBefore, secondAfter, tenant), $"after the move {tenant} is not reached through the second server's PgBouncer: {Show(secondAfter)}");
        await using var second = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(cluster.SecondPostgres) { Pooling = false }.ConnectionString);
        await second.OpenAsync(Ct);
        await using var exists = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = $1", second) { Parameters = { new() { Value = tenant } } };
        Assert.Equal(1L, await exists.ExecuteScalarAsync(Ct));
    }

    private int Passes() => System.Text.RegularExpressions.Regex.Count(cluster.Logs(), "Client maintenance: ");

    private static bool Grew(Dictionary<string, long> before, Dictionary<string, long> after, string database) =>
        after.GetValueOrDefault(database) > before.GetValueOrDefault(database);

    private static string Show(Dictionary<string, long> stats) => string.Join(", ", stats.Select(s => $"{s.Key}={s.Value}"));

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
