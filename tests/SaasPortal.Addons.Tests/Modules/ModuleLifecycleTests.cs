using SaasPortal.Addons.Tests.Infrastructure;
using SaasPortal.Orm;
using SaasPortal.Orm.Errors;
using static SaasPortal.Addons.Tests.Infrastructure.Rpc;

namespace SaasPortal.Addons.Tests.Modules;

/// <summary>The acceptance rules, over the execute_kw entry point, on each backend.</summary>
public abstract class ModuleLifecycleTests(AddonsFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(string Db, Rpc Admin)> NewDatabaseAsync(params string[] addons)
    {
        var db = await fixture.CreateDatabaseAsync(Ct, addons);
        return (db, new Rpc(fixture.Orm, db, OrmEnvironment.SuperuserId, AddonsFixture.AdminPassword));
    }

    private async Task<Rpc> NewUserAsync(string db, Rpc admin, string login, params string[] groups)
    {
        var groupIds = new List<object?>();
        foreach (var group in groups)
        {
            groupIds.Add(await fixture.SuperAsync(db, env => env.RefAsync(group, Ct), Ct));
        }

        var uid = (int)(await admin.CallAsync("res.users", "create", Vals(("name", login), ("login", login), ("password", login + "-pw"),
            ("groups_id", List(List(6, 0, groupIds))))))!;
        return new Rpc(fixture.Orm, db, uid, login + "-pw");
    }

    [Fact]
    public async Task Installing_sale_installs_its_dependencies_in_order()
    {
        var (_, admin) = await NewDatabaseAsync();

        await admin.InstallAsync("sale");

        var states = await admin.StatesAsync("sale", "sales_team", "account", "product", "mail", "auth_signup", "fleet", "stock");
        Assert.Equal("installed", states["sale"]);
        Assert.Equal("installed", states["sales_team"]);
        Assert.Equal("installed", states["account"]);
        Assert.Equal("installed", states["product"]);
        Assert.Equal("installed", states["mail"]);
        Assert.Equal("installed", states["auth_signup"]);
        Assert.Equal("uninstalled", states["fleet"]);
        Assert.Equal("uninstalled", states["stock"]);
    }

    [Fact]
    public async Task A_salesman_creates_and_confirms_an_order_and_a_plain_employee_is_refused()
    {
        var (db, admin) = await NewDatabaseAsync("sale");
        var salesman = await NewUserAsync(db, admin, "seller", "base.group_sale_salesman");
        var employee = await NewUserAsync(db, admin, "clerk", "base.group_user");
        var customer = (int)(await admin.CallAsync("res.partner", "create", Vals(("name", "Agrolait"))))!;

        var orderId = (int)(await salesman.CallAsync("sale.order", "create", Vals(("partner_id", customer),
            ("order_line", List(List(0, 0, Vals(("name", "Desk"), ("product_uom_qty", 2), ("price_unit", 150.0))),
                List(0, 0, Vals(("name", "Chair"), ("product_uom_qty", 4), ("price_unit", 25.0), ("discount", 10.0))))))))!;
        await salesman.CallAsync("sale.order", "action_button_confirm", List(orderId));

        var order = (Dictionary<string, object?>)((List<object?>)(await salesman.CallAsync("sale.order", "read", List(orderId),
            List("name", "state", "amount_total", "user_id", "date_confirm")))!)[0]!;
        Assert.Equal("manual", order["state"]);
        Assert.Equal(390.0, order["amount_total"]);
        Assert.Equal("SO001", order["name"]);
        Assert.Equal(salesman.Uid, ((List<object?>)order["user_id"]!)[0]);
        Assert.IsType<string>(order["date_confirm"]);

        var refusedCreate = await Assert.ThrowsAsync<AccessErrorException>(() =>
            employee.CallAsync("sale.order", "create", Vals(("partner_id", customer))));
        Assert.Contains("sale.order", refusedCreate.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<AccessErrorException>(() => employee.CallAsync("sale.order", "action_button_confirm", List(orderId)));
        await Assert.ThrowsAsync<AccessErrorException>(() => employee.CallAsync("ir.module.module", "button_immediate_install",
            List(admin.ModuleIdAsync("fleet").Result)));
    }

    [Fact]
    public async Task Uninstalling_sales_team_uninstalls_sale_too()
    {
        var (_, admin) = await NewDatabaseAsync("sale");

        await admin.UninstallAsync("sales_team");

        var states = await admin.StatesAsync("sale", "sales_team", "account", "product");
        Assert.Equal("uninstalled", states["sale"]);
        Assert.Equal("uninstalled", states["sales_team"]);
        Assert.Equal("installed", states["account"]);
        Assert.Equal("installed", states["product"]);
        var gone = await Assert.ThrowsAsync<UnknownModelException>(() => admin.CallAsync("sale.order", "search", List()));
        Assert.Equal("Object sale.order doesn't exist", gone.Message);
        await Assert.ThrowsAsync<UnknownModelException>(() => admin.CallAsync("crm.case.section", "search", List()));
    }

    [Fact]
    public async Task Uninstalling_fleet_removes_its_models_and_groups_and_leaves_sale_data_intact_and_it_reinstalls()
    {
        var (db, admin) = await NewDatabaseAsync("sale", "fleet");
        var customer = (int)(await admin.CallAsync("res.partner", "create", Vals(("name", "Camptocamp"))))!;
        var orderId = (int)(await admin.CallAsync("sale.order", "create", Vals(("partner_id", customer),
            ("order_line", List(List(0, 0, Vals(("name", "Service"), ("price_unit", 99.5))))))))!;
        var brand = (int)(await admin.CallAsync("fleet.vehicle.model.brand", "search", Domain(("name", "=", "Audi"))) is List<object?> { Count: 1 } b ? b[0]! : 0);
        var model = (int)(await admin.CallAsync("fleet.vehicle.model", "create", Vals(("name", "A4"), ("brand_id", brand))))!;
        await admin.CallAsync("fleet.vehicle", "create", Vals(("license_plate", "1-ABC-123"), ("model_id", model)));
        Assert.NotNull(await fixture.SuperAsync(db, env => env.RefAsync("fleet.fleet_group_manager", Ct), Ct));

        await admin.UninstallAsync("fleet");

        var gone = await Assert.ThrowsAsync<UnknownModelException>(() => admin.CallAsync("fleet.vehicle", "search", List()));
        Assert.Equal("Object fleet.vehicle doesn't exist", gone.Message);
        Assert.Null(await fixture.SuperAsync(db, env => env.RefAsync("fleet.fleet_group_manager", Ct), Ct));
        Assert.Null(await fixture.SuperAsync(db, env => env.RefAsync("fleet.fleet_group_user", Ct), Ct));
        Assert.Equal(0, await admin.CallAsync("res.groups", "search_count", Domain(("category_id.name", "=", "Fleet"))));
        var order = (Dictionary<string, object?>)((List<object?>)(await admin.CallAsync("sale.order", "read", List(orderId), List("amount_total", "partner_id")))!)[0]!;
        Assert.Equal(99.5, order["amount_total"]);
        Assert.Equal("installed", (await admin.StatesAsync("sale"))["sale"]);
        Assert.NotNull(await fixture.SuperAsync(db, env => env.RefAsync("base.group_sale_manager", Ct), Ct));

        await admin.InstallAsync("fleet");

        Assert.Equal(0, await admin.CallAsync("fleet.vehicle", "search_count", List()));
        Assert.NotNull(await fixture.SuperAsync(db, env => env.RefAsync("fleet.fleet_group_manager", Ct), Ct));
        Assert.Equal(1, await admin.CallAsync("sale.order", "search_count", List()));
    }

    [Fact]
    public async Task Base_cannot_be_uninstalled()
    {
        var (_, admin) = await NewDatabaseAsync();

        var refused = await Assert.ThrowsAsync<UserErrorException>(() => admin.UninstallAsync("base"));

        Assert.Contains("'base' cannot be uninstalled", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Databases_with_the_same_addons_share_one_registry()
    {
        var (first, _) = await NewDatabaseAsync("crm");
        var (second, _) = await NewDatabaseAsync("crm");

        var a = await fixture.Modules.GetRegistryAsync(first, Ct);
        var b = await fixture.Modules.GetRegistryAsync(second, Ct);

        Assert.Same(a, b);
        Assert.True(a.Contains("crm.lead"));
    }
}

[Collection("sqlite")]
public sealed class SqliteModuleLifecycleTests(SqliteAddonsFixture fixture) : ModuleLifecycleTests(fixture), IClassFixture<SqliteAddonsFixture>;

[Collection("postgres")]
public sealed class PostgresModuleLifecycleTests(PostgresAddonsFixture fixture) : ModuleLifecycleTests(fixture), IClassFixture<PostgresAddonsFixture>;
