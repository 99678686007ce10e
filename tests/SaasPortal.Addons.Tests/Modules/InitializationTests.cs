using SaasPortal.Addons.Tests.Infrastructure;
using SaasPortal.Orm;

namespace SaasPortal.Addons.Tests.Modules;

public abstract class InitializationTests(AddonsFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_new_database_has_base_installed_the_catalogue_listed_and_the_admin_able_to_log_in()
    {
        var db = await fixture.CreateDatabaseAsync(Ct);

        Assert.Equal(OrmEnvironment.SuperuserId, await fixture.Orm.AuthenticateAsync(db, "admin", AddonsFixture.AdminPassword, Ct));
        var states = await fixture.SuperAsync(db, async env =>
        {
            var modules = await env["ir.module.module"].SearchAsync(new List<object?>(), Ct);
            return (await modules.ReadAsync(["name", "state"], Ct)).ToDictionary(r => (string)r["name"]!, r => (string)r["state"]!);
        }, Ct);
        Assert.Equal("installed", states["base"]);
        Assert.Equal("installed", states["web"]);
        Assert.Equal("uninstalled", states["sale"]);
        Assert.Equal("uninstalled", states["fleet"]);
        Assert.True(states.Count >= 18);

        var groups = await fixture.SuperAsync(db, async env =>
        {
            var manager = await env.RefAsync("base.group_sale_manager", Ct);
            var salesman = await env.RefAsync("base.group_sale_salesman", Ct);
            var rows = await env["res.groups"].Browse(manager!.Value).ReadAsync(["name", "implied_ids", "users"], Ct);
            return (rows[0], salesman!.Value);
        }, Ct);
        Assert.Equal("Manager", groups.Item1["name"]);
        Assert.Contains(groups.Item2, (List<object?>)groups.Item1["implied_ids"]!);
        Assert.Contains(OrmEnvironment.SuperuserId, (List<object?>)groups.Item1["users"]!);
    }
}

[Collection("sqlite")]
public sealed class SqliteInitializationTests(SqliteAddonsFixture fixture) : InitializationTests(fixture), IClassFixture<SqliteAddonsFixture>;

[Collection("postgres")]
public sealed class PostgresInitializationTests(PostgresAddonsFixture fixture) : InitializationTests(fixture), IClassFixture<PostgresAddonsFixture>;
