using SaasPortal.Addons.Tests.Infrastructure;
using SaasPortal.Orm;
using SaasPortal.Orm.Errors;
using static SaasPortal.Addons.Tests.Infrastructure.Rpc;

namespace SaasPortal.Addons.Tests.Modules;

/// <summary>The whole catalogue installed in one database, and each addon's C# behaviour at work over execute_kw.</summary>
public abstract class BuiltInBehaviourTests(AddonsFixture fixture)
{
    private static readonly string[] Everything =
        ["sale", "purchase", "stock", "account", "crm", "project", "hr", "fleet", "contacts", "portal", "auth_oauth", "access_apps"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(string Db, Rpc Admin)> CatalogueDatabaseAsync()
    {
        var db = await fixture.CreateDatabaseAsync(Ct, Everything);
        return (db, new Rpc(fixture.Orm, db, OrmEnvironment.SuperuserId, AddonsFixture.AdminPassword));
    }

    private static async Task<Dictionary<string, object?>> ReadAsync(Rpc rpc, string model, int id, params string[] fields) =>
        (Dictionary<string, object?>)((List<object?>)(await rpc.CallAsync(model, "read", List(id), fields.Cast<object?>().ToList()))!)[0]!;

    [Fact]
    public async Task The_whole_catalogue_installs_together_and_every_compute_it_names_is_registered()
    {
        var (db, admin) = await CatalogueDatabaseAsync();

        var states = await admin.StatesAsync(Everything);
        Assert.All(Everything, name => Assert.Equal("installed", states[name]));
        var registry = await fixture.Modules.GetRegistryAsync(db, Ct);
        Assert.Equal(["display_name"], registry.MissingComputes.Where(c => c != "display_name").Prepend("display_name"));
        Assert.NotNull(await fixture.SuperAsync(db, env => env.RefAsync("stock.group_stock_manager", Ct), Ct));
        Assert.NotNull(await fixture.SuperAsync(db, env => env.RefAsync("access_apps.group_show_modules_menu", Ct), Ct));
    }

    [Fact]
    public async Task Invoices_total_their_taxed_lines_and_validate_to_a_numbered_open_invoice()
    {
        var (db, admin) = await CatalogueDatabaseAsync();
        var customer = (int)(await admin.CallAsync("res.partner", "create", Vals(("name", "Agrolait"))))!;
        var tax = (await fixture.SuperAsync(db, env => env.RefAsync("account.tax_sale_15", Ct), Ct))!.Value;
        var line = Vals(("name", "Consulting"), ("quantity", 10), ("price_unit", 80.0), ("invoice_line_tax_id", List(List(6, 0, List(tax)))));
        var invoice = (int)(await admin.CallAsync("account.invoice", "create", Vals(("partner_id", customer), ("invoice_line", List(List(0, 0, line))))))!;

        await admin.CallAsync("account.invoice", "invoice_validate", List(invoice));

        var row = await ReadAsync(admin, "account.invoice", invoice, "state", "number", "amount_untaxed", "amount_tax", "amount_total", "residual", "date_invoice");
        Assert.Equal("open", row["state"]);
        Assert.Equal("SAJ/0001", row["number"]);
        Assert.Equal(800.0, row["amount_untaxed"]);
        Assert.Equal(120.0, row["amount_tax"]);
        Assert.Equal(920.0, row["amount_total"]);
        Assert.Equal(920.0, row["residual"]);
        Assert.IsType<string>(row["date_invoice"]);
        await Assert.ThrowsAsync<UserErrorException>(() => admin.CallAsync("account.invoice", "invoice_validate", List(invoice)));
    }

    [Fact]
    public async Task Sales_orders_cancel_and_go_back_to_quotation_and_empty_ones_cannot_be_confirmed()
    {
        var (_, admin) = await CatalogueDatabaseAsync();
        var customer = (int)(await admin.CallAsync("res.partner", "create", Vals(("name", "Agrolait"))))!;
        var empty = (int)(await admin.CallAsync("sale.order", "create", Vals(("partner_id", customer))))!;
        var refused = await Assert.ThrowsAsync<UserErrorException>(() => admin.CallAsync("sale.order", "action_button_confirm", List(empty)));
        Assert.Equal("You cannot confirm a sales order which has no line.", refused.Message);

        await admin.CallAsync("sale.order", "action_cancel", List(empty));
        Assert.Equal("cancel", (await ReadAsync(admin, "sale.order", empty, "state"))["state"]);
        await admin.CallAsync("sale.order", "action_cancel_draft", List(empty));
        Assert.Equal("draft", (await ReadAsync(admin, "sale.order", empty, "state"))["state"]);
    }

    [Fact]
    public async Task Purchase_orders_are_numbered_confirmed_and_approved()
    {
        var (_, admin) = await CatalogueDatabaseAsync();
        var supplier = (int)(await admin.CallAsync("res.partner", "create", Vals(("name", "Wood Corner"), ("supplier", true))))!;
        var order = (int)(await admin.CallAsync("purchase.order", "create", Vals(("partner_id", supplier),
            ("order_line", List(List(0, 0, Vals(("name", "Planks"), ("product_qty", 12), ("price_unit", 7.5))))))))!;

        await admin.CallAsync("purchase.order", "wkf_confirm_order", List(order));
        Assert.Equal("confirmed", (await ReadAsync(admin, "purchase.order", order, "state"))["state"]);
        await admin.CallAsync("purchase.order", "wkf_approve_order", List(order));

        var row = await ReadAsync(admin, "purchase.order", order, "name", "state", "amount_total", "validator", "date_approve");
        Assert.Equal("PO00001", row["name"]);
        Assert.Equal("approved", row["state"]);
        Assert.Equal(90.0, row["amount_total"]);
        Assert.Equal(OrmEnvironment.SuperuserId, ((List<object?>)row["validator"]!)[0]);
    }

    [Fact]
    public async Task A_done_move_brings_its_quantity_into_stock()
    {
        var (db, admin) = await CatalogueDatabaseAsync();
        var unit = (await fixture.SuperAsync(db, env => env.RefAsync("product.product_uom_unit", Ct), Ct))!.Value;
        var suppliers = (await fixture.SuperAsync(db, env => env.RefAsync("stock.stock_location_suppliers", Ct), Ct))!.Value;
        var stock = (await fixture.SuperAsync(db, env => env.RefAsync("stock.stock_location_stock", Ct), Ct))!.Value;
        var product = (int)(await admin.CallAsync("product.product", "create", Vals(("name", "Desk"), ("type", "product"))))!;
        var move = Vals(("name", "Desk"), ("product_id", product), ("product_uom", unit), ("product_uom_qty", 5),
            ("location_id", suppliers), ("location_dest_id", stock));
        var picking = (int)(await admin.CallAsync("stock.picking", "create", Vals(("location_id", suppliers), ("location_dest_id", stock),
            ("move_lines", List(List(0, 0, move))))))!;

        await admin.CallAsync("stock.picking", "action_confirm", List(picking));
        await admin.CallAsync("stock.picking", "action_done", List(picking));

        var row = await ReadAsync(admin, "stock.picking", picking, "name", "state", "date_done");
        Assert.Equal("WH/00001", row["name"]);
        Assert.Equal("done", row["state"]);
        var quants = (List<object?>)(await admin.CallKwAsync("stock.quant", "search_read",
            [Domain(("product_id", "=", product))], new() { ["fields"] = List("location_id", "qty") }))!;
        var quant = (Dictionary<string, object?>)Assert.Single(quants)!;
        Assert.Equal(stock, ((List<object?>)quant["location_id"]!)[0]);
        Assert.Equal(5.0, quant["qty"]);
    }

    [Fact]
    public async Task Vehicles_are_named_from_their_model_and_keep_their_last_odometer_reading()
    {
        var (db, admin) = await CatalogueDatabaseAsync();
        var audi = (await fixture.SuperAsync(db, env => env.RefAsync("fleet.brand_audi", Ct), Ct))!.Value;
        var model = (int)(await admin.CallAsync("fleet.vehicle.model", "create", Vals(("name", "A4"), ("brand_id", audi))))!;
        var vehicle = (int)(await admin.CallAsync("fleet.vehicle", "create", Vals(("license_plate", "1-ABC-123"), ("model_id", model), ("odometer", 1200.0))))!;
        await admin.CallAsync("fleet.vehicle", "write", List(vehicle), Vals(("odometer", 1500.0)));

        var row = await ReadAsync(admin, "fleet.vehicle", vehicle, "name", "odometer", "odometer_ids");
        Assert.Equal("Audi/A4/1-ABC-123", row["name"]);
        Assert.Equal(1500.0, row["odometer"]);
        Assert.Equal(2, ((List<object?>)row["odometer_ids"]!).Count);
    }

    [Fact]
    public async Task Leads_start_with_their_creator_in_the_first_stage()
    {
        var (db, admin) = await CatalogueDatabaseAsync();

        var lead = (int)(await admin.CallAsync("crm.lead", "create", Vals(("name", "Interested in desks"))))!;

        var row = await ReadAsync(admin, "crm.lead", lead, "user_id", "stage_id");
        Assert.Equal(OrmEnvironment.SuperuserId, ((List<object?>)row["user_id"]!)[0]);
        Assert.Equal(await fixture.SuperAsync(db, env => env.RefAsync("crm.stage_lead1", Ct), Ct), ((List<object?>)row["stage_id"]!)[0]);
    }
}

[Collection("sqlite")]
public sealed class SqliteBuiltInBehaviourTests(SqliteAddonsFixture fixture) : BuiltInBehaviourTests(fixture), IClassFixture<SqliteAddonsFixture>;

[Collection("postgres")]
public sealed class PostgresBuiltInBehaviourTests(PostgresAddonsFixture fixture) : BuiltInBehaviourTests(fixture), IClassFixture<PostgresAddonsFixture>;
