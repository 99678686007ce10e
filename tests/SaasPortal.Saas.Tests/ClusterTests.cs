using System.Text.RegularExpressions;
using Npgsql;
using SaasPortal.Testing;

namespace SaasPortal.Saas.Tests;

/// <summary>
/// A PostgreSQL-backed server whose portal places tenants on two clusters: the test cluster (the installation's own
/// server, record "local") and a second one (scripts/test-postgres.sh on port 54330, or SAASPORTAL_TEST_PG2), which
/// the scenarios add as the server record "cluster-b". Its own server process, because adding a server changes where
/// every later tenant of the portal goes.
/// </summary>
public sealed class TwoClustersFixture : IAsyncLifetime
{
    private ServerProcess? _server;
    private int _counter;

    /// <summary>Prefix of every database this fixture makes, on both clusters.</summary>
    public string Prefix { get; } = "c" + Guid.NewGuid().ToString("N")[..7];

    public string PortalDatabase => Prefix + "-portal";

    public ServerProcess Server => _server ?? throw new InvalidOperationException("The server is not started.");

    /// <summary>Connection string of the installation's own cluster.</summary>
    public string First { get; private set; } = "";

    /// <summary>Connection string of the second cluster.</summary>
    public string Second { get; private set; } = "";

    public string NewStem(string hint) => $"{Prefix}-{Interlocked.Increment(ref _counter)}{hint}";

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        First = await TestPostgres.ConnectionStringAsync(ct);
        Second = await TestPostgres.SecondConnectionStringAsync(ct);
        var dataDirectory = Path.Combine(Path.GetTempPath(), "saasportal-cluster-" + Prefix);
        _server = await ServerProcess.StartAsync(dataDirectory, ["--portal-db", PortalDatabase, "--db-backend", "postgres", "--pg", First], ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            var dataDirectory = _server.DataDirectory;
            await _server.DisposeAsync();
            await TestPostgres.DropDatabasesAsync(First, Prefix, CancellationToken.None);
            await TestPostgres.DropDatabasesAsync(Second, Prefix, CancellationToken.None);
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TwoClustersCollection : ICollectionFixture<TwoClustersFixture>
{
    public const string Name = "saas two postgres clusters";
}

/// <summary>Several database servers (Scripts/cluster.py), checked on both clusters' catalogues afterwards.</summary>
[Collection(TwoClustersCollection.Name)]
public sealed partial class ClusterTests(TwoClustersFixture fixture)
{
    [Fact]
    public Task Server_records_never_hold_a_password_only_a_reference() => RunAsync("refuses_passwords");

    [Fact]
    public Task Tenants_land_on_both_servers_by_plan_or_least_load_and_each_answers_where_it_is_placed() => RunAsync("placement");

    [Fact]
    public Task A_moved_tenant_keeps_records_attachments_and_modules_and_answers_from_the_new_server_only() => RunAsync("move");

    [Fact]
    public Task A_tenant_being_moved_refuses_every_call_the_superusers_too() => RunAsync("moving_blocks_everyone");

    [Fact]
    public async Task A_failed_move_leaves_the_tenant_on_its_old_server_working()
    {
        // A database of the tenant's name already on the target makes the copy fail after the tenant was blocked.
        var taken = fixture.NewStem("taken");
        await using (var second = NpgsqlDataSource.Create(fixture.Second))
        {
            await using var create = second.CreateCommand($"CREATE DATABASE \"{taken}\"");
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var output = await RunAsync("failed_move", taken);
        Assert.Contains($"kept {taken} local", output, StringComparison.Ordinal);
        Assert.True(await ExistsAsync(fixture.First, taken), $"{taken} is gone from its own server");
    }

    [Fact]
    public Task Draining_a_server_moves_all_its_tenants_and_places_no_new_ones_there() => RunAsync("drain");

    /// <summary>Runs a scenario, then checks every "where &lt;db&gt; &lt;server&gt;" it printed against both clusters.</summary>
    private async Task<string> RunAsync(string scenario, params string[] extra)
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = Path.Combine(AppContext.BaseDirectory, "Scripts");
        var script = await File.ReadAllTextAsync(Path.Combine(directory, "saas_common.py"), ct) + "\n" +
                     await File.ReadAllTextAsync(Path.Combine(directory, "cluster.py"), ct);
        var result = await PythonScript.RunAsync(script,
            [fixture.Server.Url, fixture.PortalDatabase, fixture.NewStem("s"), scenario, fixture.Second, .. extra], ct, TimeSpan.FromMinutes(6));
        Assert.True(result.ExitCode == 0, result + "\n--- server (tail)\n" + Tail(fixture.Server.Output));
        Assert.Contains("ok " + scenario, result.Output, StringComparison.Ordinal);

        foreach (Match where in WhereLine().Matches(result.Output))
        {
            var (database, server) = (where.Groups[1].Value, where.Groups[2].Value);
            var onSecond = server == "cluster-b";
            Assert.True(await ExistsAsync(onSecond ? fixture.Second : fixture.First, database), $"{database} is not on {server}");
            Assert.False(await ExistsAsync(onSecond ? fixture.First : fixture.Second, database), $"{database} is also on the other cluster");
        }

        return result.Output;
    }

    private static async Task<bool> ExistsAsync(string connectionString, string database)
    {
        await using var source = NpgsqlDataSource.Create(connectionString);
        await using var command = source.CreateCommand("SELECT 1 FROM pg_database WHERE datname = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        return await command.ExecuteScalarAsync(TestContext.Current.CancellationToken) is not null;
    }

    private static string Tail(string text) => text.Length <= 6000 ? text : text[^6000..];

    [GeneratedRegex(@"^where (\S+) (\S+)$", RegexOptions.Multiline)]
    private static partial Regex WhereLine();
}
