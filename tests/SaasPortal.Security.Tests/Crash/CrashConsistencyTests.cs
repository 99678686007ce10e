using System.Diagnostics;
using System.Globalization;
using SaasPortal.Security.Tests.Support;

namespace SaasPortal.Security.Tests.Crash;

/// <summary>
/// Issue 8, item 5: the server is killed (SIGKILL) at a random point of an operation — <c>create_new_database</c>,
/// an addon install or uninstall, <c>do_upgrade_database</c>, a backup — then started again on the same data
/// directory, and <see cref="CrashInvariants"/> must hold: no client without its database, no database without its
/// client, no module left mid-change, nothing left in the journal or as a temporary copy; and the portal's
/// <c>saas_portal.operation</c> rows agree with what happened (done only when the effect is there, a failed
/// operation reported, never both). The delay is drawn uniformly within the operation's duration, measured by
/// running it once unharmed first.
/// </summary>
/// <remarks>
/// Runs per operation: <c>SAASPORTAL_CRASH_RUNS</c> (2 in the test command; the documented long run is 50), seed
/// <c>SAASPORTAL_CRASH_SEED</c> (random, printed on failure). docs/security.md, section 5.
/// </remarks>
public abstract class CrashConsistencyTests(CrashServer server)
{
    private const string Addon = "sale";
    private const string AddonModel = "sale.order";

    private static int Runs => int.TryParse(Environment.GetEnvironmentVariable("SAASPORTAL_CRASH_RUNS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 2;

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("SAASPORTAL_CRASH_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s)
        ? s
        : Random.Shared.Next();

    [Fact]
    public async Task Killing_the_server_during_create_new_database_leaves_no_tenant_without_record_nor_record_without_tenant()
    {
        var ct = TestContext.Current.CancellationToken;
        var names = new Dictionary<int, string>();
        string NameOf(int round) => names.TryGetValue(round, out var n) ? n : names[round] = $"{server.Prefix}-new{round + 1}";

        await CrashLoopAsync("create_new_database",
            (round, rpc) => rpc.ExecuteKwAsync(server.PortalDatabase, 1, CrashServer.AdminPassword, "saas_portal.plan", "create_new_database", [new List<object?> { 1 }],
                new() { ["dbname"] = NameOf(round), ["user_id"] = server.OwnerUid }, ct),
            async (round, answered, rpc) =>
            {
                var name = NameOf(round);
                var client = (await CrashInvariants.ClientsAsync(server, rpc, ct)).SingleOrDefault(c => c.Name == name);
                var operations = (await CrashInvariants.OperationsAsync(server, rpc, ct)).Where(o => o.Database == name).ToList();
                var problems = new List<string>();
                if (client is { State: not "deleted" })
                {
                    Expect(problems, operations.Count(o => o.State == "done") == 1 && operations.Count == 1, $"client {name} exists but its operations are [{Describe(operations)}]");
                    return (problems, "committed");
                }

                Expect(problems, !answered, $"create_new_database of {name} answered but no client exists");
                Expect(problems, operations.All(o => o.State == "failed") && operations.Count <= 1, $"no client {name} but operations [{Describe(operations)}]");
                return (problems, operations.Count == 1 ? "failed, reported" : "never started");
            }, ct);
    }

    [Fact]
    public async Task Killing_the_server_during_addon_install_and_uninstall_leaves_each_addon_installed_or_not()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, _) = await NewTenantAsync("mod", ct);
        var installed = false;
        await CrashLoopAsync("addon install/uninstall",
            async (round, rpc) =>
            {
                var ids = await rpc.ExecuteKwAsync(tenant, 1, CrashServer.AdminPassword, "ir.module.module", "search",
                    [new List<object?> { new List<object?> { "name", "=", Addon } }], null, ct);
                return await rpc.ExecuteKwAsync(tenant, 1, CrashServer.AdminPassword, "ir.module.module",
                    installed ? "button_immediate_uninstall" : "button_immediate_install", [ids], null, ct);
            },
            async (round, answered, rpc) =>
            {
                var wanted = !installed;
                var state = await AddonStateAsync(rpc, tenant, ct);
                var problems = new List<string>();
                Expect(problems, state is "installed" or "uninstalled", $"{Addon} is '{state}'");
                Expect(problems, !answered || (state == "installed") == wanted, $"the call answered but {Addon} is '{state}'");
                var usable = await ModelAnswersAsync(rpc, tenant, AddonModel, ct);
                Expect(problems, usable == (state == "installed"), $"{Addon} is '{state}' but {AddonModel} {(usable ? "answers" : "does not answer")}");
                var outcome = (state == "installed") == wanted ? "applied" : "rolled back";
                installed = state == "installed";
                return (problems, outcome);
            }, ct);
    }

    [Fact]
    public async Task Killing_the_server_during_do_upgrade_database_leaves_no_module_mid_change_and_reports_the_failure()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, clientId) = await NewTenantAsync("upg", ct);
        var crm = false;
        var before = 0;
        await CrashLoopAsync("do_upgrade_database",
            async (round, rpc) =>
            {
                before = (await CrashInvariants.OperationsAsync(server, rpc, ct)).Count(o => o.Database == tenant);
                var payload = new Dictionary<string, object?>
                {
                    ["update_addons_list"] = true,
                    [crm ? "uninstall_addons" : "install_addons"] = new List<object?> { "crm" },
                    [crm ? "install_addons" : "uninstall_addons"] = new List<object?> { "fleet" },
                    ["params"] = new List<object?> { new Dictionary<string, object?> { ["key"] = "crash.round", ["value"] = round.ToString(CultureInfo.InvariantCulture) } },
                };
                return await rpc.ExecuteKwAsync(server.PortalDatabase, 1, CrashServer.AdminPassword, "saas.config", "do_upgrade_database", [payload, clientId], null, ct);
            },
            async (round, answered, rpc) =>
            {
                var problems = new List<string>();
                var operations = (await CrashInvariants.OperationsAsync(server, rpc, ct)).Where(o => o.Database == tenant).ToList();
                var added = operations.Skip(before).ToList();
                Expect(problems, added.Count <= 1, $"one call left several operations: [{Describe(added)}]");
                Expect(problems, !answered || added is [{ State: "done" }], $"the call answered but its operation is [{Describe(added)}]");
                crm = await AddonStateAsync(rpc, tenant, ct, "crm") == "installed";
                var client = (await CrashInvariants.ClientsAsync(server, rpc, ct)).Single(c => c.Id == clientId);
                Expect(problems, client.State == "open", $"the client is '{client.State}'");
                return (problems, added switch { [{ State: "done" }] => "done", [{ State: "failed" }] => "failed, reported", _ => "never started" });
            }, ct);
    }

    [Fact]
    public async Task Killing_the_server_during_a_backup_leaves_nothing_behind_and_reports_the_failure()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenant, clientId) = await NewTenantAsync("bak", ct);
        var before = 0;
        await CrashLoopAsync("backup_database",
            async (round, rpc) =>
            {
                before = (await CrashInvariants.OperationsAsync(server, rpc, ct)).Count(o => o.Database == tenant);
                return await rpc.ExecuteKwAsync(server.PortalDatabase, 1, CrashServer.AdminPassword, "saas_portal.client", "backup_database",
                    [new List<object?> { clientId }], null, ct);
            },
            async (round, answered, rpc) =>
            {
                var problems = new List<string>();
                var added = (await CrashInvariants.OperationsAsync(server, rpc, ct)).Where(o => o.Database == tenant).Skip(before).ToList();
                Expect(problems, added.Count <= 1, $"one call left several operations: [{Describe(added)}]");
                Expect(problems, !answered || added is [{ State: "done" }], $"the call answered but its operation is [{Describe(added)}]");
                Expect(problems, added is not [{ State: "failed" }] || added[0].Error.Contains("Interrupted", StringComparison.Ordinal),
                    $"a failed backup says '{(added.Count == 1 ? added[0].Error : "")}'");
                return (problems, added switch { [{ State: "done" }] => "done", [{ State: "failed" }] => "failed, reported", _ => "never started" });
            }, ct);
    }

    /// <summary>
    /// Runs <paramref name="operation"/> once unharmed to measure it, then <see cref="Runs"/> times: fire, wait a random
    /// part of the measured duration, SIGKILL, restart, check the common invariants and <paramref name="verify"/>.
    /// </summary>
    private async Task CrashLoopAsync(string what, Func<int, JsonRpcCaller, Task<object?>> operation,
        Func<int, bool, JsonRpcCaller, Task<(List<string> Problems, string Outcome)>> verify, CancellationToken ct)
    {
        var seed = Seed;
        var random = new Random(seed);
        TimeSpan duration;
        using (var rpc = new JsonRpcCaller(server.Url))
        {
            var clock = Stopwatch.StartNew();
            await operation(-1, rpc);
            duration = clock.Elapsed;
            var (problems, _) = await verify(-1, true, rpc);
            Assert.True(problems.Count == 0, $"{what} without a crash: {string.Join("; ", problems)}");
        }

        var failures = new List<string>();
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var round = 0; round < Runs; round++)
        {
            var delay = TimeSpan.FromMilliseconds(random.NextDouble() * duration.TotalMilliseconds);
            bool answered;
            using (var rpc = new JsonRpcCaller(server.Url))
            {
                var call = operation(round, rpc);
                await Task.Delay(delay, ct);
                await server.KillAsync();
                try
                {
                    await call;
                    answered = true;
                }
                catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                    answered = false;
                }
            }

            await server.StartAsync(ct);
            using var check = new JsonRpcCaller(server.Url);
            var violations = await CrashInvariants.CheckAsync(server, check, ct);
            var (specific, outcome) = await verify(round, answered, check);
            violations.AddRange(specific);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            failures.AddRange(violations.Select(v =>
                $"{what} round {round} (killed after {delay.TotalMilliseconds:F0} of ~{duration.TotalMilliseconds:F0} ms, answered: {answered}): {v}"));
        }

        var summary = $"{server.Backend} {what}: {Runs} kills within ~{duration.TotalMilliseconds:F0} ms (seed {seed}): "
            + string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Value} {o.Key}"));
        TestContext.Current.TestOutputHelper?.WriteLine(summary);
        // Also kept beside the test assembly, so a long run's figures can be read (and written down) afterwards.
        await File.AppendAllTextAsync(Path.Combine(AppContext.BaseDirectory, "crash-results.log"),
            $"{DateTime.UtcNow:yyyy-MM-dd HH:mm:ss}Z {summary}{Environment.NewLine}", ct);
        Assert.True(failures.Count == 0, $"{summary}\n{string.Join("\n", failures)}\n--- server output ---\n{Tail(server.Output)}");
    }

    private async Task<(string Database, int ClientId)> NewTenantAsync(string hint, CancellationToken ct)
    {
        using var rpc = new JsonRpcCaller(server.Url);
        var name = $"{server.Prefix}-{hint}";
        var created = Assert.IsType<Dictionary<string, object?>>(await rpc.ExecuteKwAsync(server.PortalDatabase, 1, CrashServer.AdminPassword,
            "saas_portal.plan", "create_new_database", [new List<object?> { 1 }], new() { ["dbname"] = name, ["user_id"] = server.OwnerUid }, ct));
        return (name, Assert.IsType<int>(created["id"]));
    }

    private static async Task<string> AddonStateAsync(JsonRpcCaller rpc, string database, CancellationToken ct, string addon = Addon)
    {
        var rows = await rpc.ExecuteKwAsync(database, 1, CrashServer.AdminPassword, "ir.module.module", "search_read",
            [new List<object?> { new List<object?> { "name", "=", addon } }], new() { ["fields"] = new List<object?> { "state" } }, ct);
        return (string)Assert.IsType<Dictionary<string, object?>>(Assert.Single(Assert.IsType<List<object?>>(rows)))["state"]!;
    }

    private static async Task<bool> ModelAnswersAsync(JsonRpcCaller rpc, string database, string model, CancellationToken ct)
    {
        try
        {
            await rpc.ExecuteKwAsync(database, 1, CrashServer.AdminPassword, model, "search_count", [new List<object?>()], null, ct);
            return true;
        }
        catch (RpcFault)
        {
            return false;
        }
    }

    private static void Expect(List<string> problems, bool condition, string problem)
    {
        if (!condition)
        {
            problems.Add(problem);
        }
    }

    private static string Describe(IEnumerable<OperationView> operations) =>
        string.Join("; ", operations.Select(o => $"{o.Name} {o.State} {o.Error}"));

    private static string Tail(string output) => output.Length <= 6000 ? output : output[^6000..];
}

public sealed class SqliteCrashConsistencyTests(SqliteCrashServer server) : CrashConsistencyTests(server), IClassFixture<SqliteCrashServer>;

public sealed class PostgresCrashConsistencyTests(PostgresCrashServer server) : CrashConsistencyTests(server), IClassFixture<PostgresCrashServer>;
