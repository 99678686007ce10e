using System.Diagnostics;
using System.Text.Json.Nodes;

namespace SaasPortal.Cluster.Tests;

/// <summary>
/// A node killed (SIGKILL) while clients are calling through nginx costs them nothing: the proxy retries what the dead
/// node failed on the surviving node. The load is read-only RPC, the only load for which retrying a POST that may
/// already have reached the dead node is honest, so this proxy is configured with <c>non_idempotent</c>
/// (docs/operations.md, "Several nodes").
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class FailoverTests(ClusterFixture cluster)
{
    private const int Workers = 6;
    private const int MinimumServedBeforeKill = 10;
    private static readonly TimeSpan BeforeKill = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan LongestWaitForLoad = TimeSpan.FromSeconds(20);
    private static readonly long AfterKillTicks = 5 * Stopwatch.Frequency;

    [Fact]
    public async Task A_node_killed_under_read_load_fails_no_request_once_the_proxy_has_retried()
    {
        var ct = TestContext.Current.CancellationToken;
        // The spare node C behind a proxy of its own, so the shared nodes A and B stay up for the other tests.
        var victim = cluster.Spare;
        await using var proxy = await Nginx.StartAsync([cluster.A.Url, victim.Url], retryPosts: true, ct);

        using var rpc = new Rpc(TimeSpan.FromSeconds(30));
        var owners = new List<Credentials>();
        foreach (var tenant in cluster.Tenants)
        {
            owners.Add(await rpc.LoginAsync(cluster.A.Url, tenant, ClusterFixture.OwnerLogin, ClusterFixture.OwnerPassword, ct));
            // Warm both nodes up (pools, compiled queries), so the victim takes its share of the load from the start.
            _ = await rpc.LoginAsync(victim.Url, tenant, ClusterFixture.OwnerLogin, ClusterFixture.OwnerPassword, ct);
        }

        var clock = Stopwatch.StartNew();
        var killedAtTicks = long.MaxValue; // Stopwatch ticks; written by the test, read by the workers
        var failures = new List<string>();
        long before = 0, after = 0;
        var load = Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; clock.ElapsedTicks - Volatile.Read(ref killedAtTicks) < AfterKillTicks; i++)
            {
                var owner = owners[(worker + i) % owners.Count];
                var sentAt = clock.ElapsedTicks;
                try
                {
                    var partners = await rpc.ExecuteAsync(proxy.Url, owner, "res.partner", "search_read", [new JsonArray()],
                        new JsonObject { ["fields"] = new JsonArray("name"), ["limit"] = 5 }, ct);
                    Assert.NotEmpty(Json.Items(partners));
                    Interlocked.Increment(ref sentAt > Volatile.Read(ref killedAtTicks) ? ref after : ref before);
                }
                catch (Exception e) when (e is HttpRequestException or RpcFault or TaskCanceledException)
                {
                    lock (failures)
                    {
                        failures.Add($"{(double)sentAt / Stopwatch.Frequency:F2}s: {e.Message}");
                    }
                }
            }
        }, ct)).ToList();

        // Kill once the victim has served its share for a while, so requests are in flight on it when it dies.
        var servedByVictim = 0;
        while (clock.Elapsed < BeforeKill || (servedByVictim < MinimumServedBeforeKill && clock.Elapsed < LongestWaitForLoad))
        {
            await Task.Delay(100, ct);
            servedByVictim = proxy.AccessLog().Count(line => line.Contains(new Uri(victim.Url).Authority, StringComparison.Ordinal));
        }

        Volatile.Write(ref killedAtTicks, clock.ElapsedTicks);
        await cluster.KillSpareAsync();
        await Task.WhenAll(load);

        var log = proxy.AccessLog();
        Assert.True(failures.Count == 0, $"{failures.Count} failed requests:\n{string.Join("\n", failures.Take(20))}\n{proxy.Diagnostics()}");
        Assert.True(servedByVictim >= MinimumServedBeforeKill,
            $"the victim ({victim.Url}) served only {servedByVictim} of {before} calls before it was killed:\n{string.Join("\n", log.Take(10))}\n{proxy.Diagnostics()}\n{victim.Output}");
        Assert.True(after > 0, "no request completed after the kill");
        // Some request met the dead node and went on to A: "<victim>, <A>" in the upstream column, and every one was answered 200.
        Assert.Contains(log, line => line.Contains(", ", StringComparison.Ordinal));
        Assert.All(log, line => Assert.StartsWith("200 ", line, StringComparison.Ordinal));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"failover: {before} calls before the kill, {after} after, {log.Count(l => l.Contains(", ", StringComparison.Ordinal))} retried by nginx, 0 failed");
    }
}
