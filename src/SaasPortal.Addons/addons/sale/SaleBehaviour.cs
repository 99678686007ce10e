using SaasPortal.Addons.Behaviours;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Methods;
using SaasPortal.Orm.Records;

namespace SaasPortal.Addons.BuiltIn;

/// <summary>
/// sale's C# behaviour: order numbers from the sale.order sequence, line subtotals and order totals, and Odoo 8's
/// buttons: <c>action_button_confirm</c> (quotation → sales order, state "manual": to invoice on demand),
/// <c>action_cancel</c> and <c>action_cancel_draft</c> (back to quotation). <c>action_confirm</c> is accepted too,
/// as later Odoo versions name the button.
/// </summary>
internal sealed class SaleBehaviour : IAddonBehaviour
{
    private const string Order = "sale.order";
    private const string Line = "sale.order.line";

    public string Addon => "sale";

    public void Register(MethodTable methods) =>
        methods.RegisterDefault(Order, "date_order", (_, _) => Task.FromResult<object?>(Values.Now()))
            .RegisterDefault(Order, "user_id", (env, _) => Task.FromResult<object?>(env.Uid))
            .Register(Order, "create", CreateAsync)
            .Register(Order, "action_button_confirm", ConfirmAsync)
            .Register(Order, "action_confirm", ConfirmAsync)
            .Register(Order, "action_cancel", CancelAsync)
            .Register(Order, "action_cancel_draft", DraftAsync)
            .RegisterCompute("sale.order.line.price_subtotal", ComputeSubtotalAsync)
            .RegisterCompute("sale.order.amounts", ComputeAmountsAsync);

    private static async Task<object?> CreateAsync(MethodCall call)
    {
        if (call.Args.Count != 1 || call.Args[0] is not IReadOnlyDictionary<string, object?> vals)
        {
            return await call.SuperAsync();
        }

        if (vals.GetValueOrDefault("name") is null or false or "/" or "")
        {
            var values = new Dictionary<string, object?>(vals, StringComparer.Ordinal)
            {
                ["name"] = await BehaviourHelpers.NextSequenceAsync(call.Env, Order, call.CancellationToken) ?? "/",
            };
            return await call.SuperAsync([values]);
        }

        return await call.SuperAsync();
    }

    private static async Task<object?> ConfirmAsync(MethodCall call)
    {
        var orders = await BehaviourHelpers.WritableAsync(call, BehaviourHelpers.Ids(call));
        var rows = await BehaviourHelpers.RowsAsync(orders, ["name", "state", "order_line", "order_policy"], call.CancellationToken);
        foreach (var row in rows.Values)
        {
            if (row["state"] is not ("draft" or "sent"))
            {
                throw new UserErrorException($"The sales order {row["name"]} is not a quotation any more and cannot be confirmed.");
            }

            if (BehaviourHelpers.IdList(row["order_line"]).Count == 0)
            {
                throw new UserErrorException("You cannot confirm a sales order which has no line.");
            }
        }

        foreach (var (id, row) in rows)
        {
            await orders.Browse(id).WriteAsync(new Dictionary<string, object?>
            {
                ["state"] = row["order_policy"] as string == "manual" ? "manual" : "progress",
                ["date_confirm"] = BehaviourHelpers.Today(),
            }, call.CancellationToken);
            await orders.Env[Line].Browse(BehaviourHelpers.IdList(row["order_line"]))
                .WriteAsync(new Dictionary<string, object?> { ["state"] = "confirmed" }, call.CancellationToken);
        }

        return true;
    }

    private static async Task<object?> CancelAsync(MethodCall call)
    {
        var orders = await BehaviourHelpers.WritableAsync(call, BehaviourHelpers.Ids(call));
        var rows = await BehaviourHelpers.RowsAsync(orders, ["name", "state", "order_line"], call.CancellationToken);
        if (rows.Values.FirstOrDefault(r => r["state"] is "done") is { } done)
        {
            throw new UserErrorException($"The sales order {done["name"]} is done and cannot be cancelled.");
        }

        await orders.WriteAsync(new Dictionary<string, object?> { ["state"] = "cancel" }, call.CancellationToken);
        await orders.Env[Line].Browse(rows.Values.SelectMany(r => BehaviourHelpers.IdList(r["order_line"])))
            .WriteAsync(new Dictionary<string, object?> { ["state"] = "cancel" }, call.CancellationToken);
        return true;
    }

    private static async Task<object?> DraftAsync(MethodCall call)
    {
        var orders = await BehaviourHelpers.WritableAsync(call, BehaviourHelpers.Ids(call));
        var rows = await BehaviourHelpers.RowsAsync(orders, ["name", "state", "order_line"], call.CancellationToken);
        if (rows.Values.FirstOrDefault(r => r["state"] is not "cancel") is { } active)
        {
            throw new UserErrorException($"Only cancelled orders can be set back to quotation; {active["name"]} is not cancelled.");
        }

        await orders.WriteAsync(new Dictionary<string, object?> { ["state"] = "draft" }, call.CancellationToken);
        await orders.Env[Line].Browse(rows.Values.SelectMany(r => BehaviourHelpers.IdList(r["order_line"])))
            .WriteAsync(new Dictionary<string, object?> { ["state"] = "draft" }, call.CancellationToken);
        return true;
    }

    private static async Task ComputeSubtotalAsync(ComputeCall call)
    {
        var rows = await BehaviourHelpers.RowsAsync(call.Records.Sudo(), ["product_uom_qty", "price_unit", "discount"], call.CancellationToken);
        foreach (var (id, row) in rows)
        {
            var subtotal = BehaviourHelpers.Number(row["product_uom_qty"]) * BehaviourHelpers.Number(row["price_unit"])
                * (1 - (BehaviourHelpers.Number(row["discount"]) / 100));
            call.Set(id, "price_subtotal", Math.Round(subtotal, 2));
        }
    }

    private static async Task ComputeAmountsAsync(ComputeCall call)
    {
        var orders = await BehaviourHelpers.RowsAsync(call.Records.Sudo(), ["order_line"], call.CancellationToken);
        var lineIds = orders.Values.SelectMany(o => BehaviourHelpers.IdList(o["order_line"])).ToList();
        var lines = await BehaviourHelpers.RowsAsync(call.Env.Sudo()[Line].Browse(lineIds), ["price_subtotal", "product_uom_qty", "tax_id"], call.CancellationToken);
        foreach (var (id, order) in orders)
        {
            var (untaxed, tax) = await BehaviourHelpers.LineTotalsAsync(call.Env, BehaviourHelpers.IdList(order["order_line"]).Where(lines.ContainsKey)
                .Select(l => (BehaviourHelpers.Number(lines[l]["price_subtotal"]), BehaviourHelpers.Number(lines[l]["product_uom_qty"]),
                    BehaviourHelpers.IdList(lines[l]["tax_id"]))), call.CancellationToken);
            call.Set(id, "amount_untaxed", untaxed);
            call.Set(id, "amount_tax", tax);
            call.Set(id, "amount_total", Math.Round(untaxed + tax, 2));
        }
    }
}
