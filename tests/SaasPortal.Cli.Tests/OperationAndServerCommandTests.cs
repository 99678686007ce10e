using SaasPortal.Testing;

namespace SaasPortal.Cli.Tests;

/// <summary>
/// <c>saasportal operations list</c> (the portal's record of client database operations) and <c>saasportal server</c>
/// on the embedded SQLite backend, where there is one server and no other can be added. The PostgreSQL side of
/// <c>server add|drain</c> and <c>client move</c> is in <see cref="PostgresCommandTests"/>.
/// </summary>
public sealed class OperationAndServerCommandTests(PortalDataFixture portal)
{
    private const string Shop = PortalDataFixture.ClientDatabase;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Operations_list_shows_a_failed_upgrade_with_its_error_and_filters_by_state_and_database()
    {
        var data = portal.NewDataDirectory();
        Expect.Failure(await Cli.RunAsync(Expect.On(data, "client", "install", Shop, "no_such_addon"), Ct), 1, "no_such_addon");

        var failed = Expect.Ok(await Cli.RunAsync(Expect.On(data, "operations", "list", "--failed", "--database", Shop, "--json"), Ct)).Json;
        var elsewhere = Expect.Ok(await Cli.RunAsync(Expect.On(data, "operations", "list", "--database", "absent", "--json"), Ct)).Json;
        var badLimit = await Cli.RunAsync(Expect.On(data, "operations", "list", "--limit", "0"), Ct);

        var operation = Assert.Single(failed.EnumerateArray());
        Assert.Equal(Shop, operation.GetProperty("database").GetString());
        Assert.Equal("failed", operation.GetProperty("state").GetString());
        Assert.Contains("no_such_addon", operation.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty(elsewhere.EnumerateArray());
        Expect.Failure(badLimit, 2, "--limit");
    }

    [Fact]
    public async Task Server_list_shows_the_own_server_with_its_tenants_and_adding_one_needs_postgres()
    {
        var data = portal.NewDataDirectory();

        var servers = Expect.Ok(await Cli.RunAsync(Expect.On(data, "server", "list", "--json"), Ct)).Json;
        var added = await Cli.RunAsync(Expect.On(data, "server", "add", "b", "--connection", "Host=127.0.0.1;Port=1;Username=x;Database=postgres"), Ct);

        var own = Assert.Single(servers.EnumerateArray());
        Assert.True(own.GetProperty("tenants").GetInt32() >= 1, own.ToString());
        Expect.Failure(added, 2, "PostgreSQL");
    }
}
