using SaasPortal.Addons.Behaviours;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Methods;
using SaasPortal.Orm.Records;
using static SaasPortal.Addons.Behaviours.BehaviourHelpers;

namespace SaasPortal.Addons.BuiltIn;

/// <summary>
/// purchase's C# behaviour: order numbers (PO00001), line subtotals and totals, and Odoo 8's workflow buttons:
/// <c>wkf_confirm_order</c> (RFQ → waiting approval), <c>wkf_approve_order</c> (→ purchase confirmed),
/// <c>button_confirm</c> (both at once, as later versions do), <c>action_cancel</c>, <c>action_cancel_draft</c>.
/// </summary>
internal sealed class PurchaseBehaviour : IAddonBehaviour
{
    private const string Order = "purchase.order";
    private const string Line = "purchase.order.line";
    private static readonly string[] Quotations = ["draft", "sent", "bid"];

    public string Addon => "purchase";

    public void Register(MethodTable methods) =>
        methods.RegisterDefault(Order, "date_order", (_, _) => Task.FromResult<object?>(Values.Now()))
            .Register(Order, "create", async call =>
            {
                if (call.Args is [IReadOnlyDictionary<string, object?> vals] && vals.GetValueOrDefault("name") is null or false or "/" or "")
                {
                    var values = new Dictionary<string, object?>(vals, StringComparer.Ordinal)
                    {
                        ["name"] = await NextSequenceAsync(call.Env, Order, call.CancellationToken) ?? "/",
                    };
                    return await call.SuperAsync([values]);
                }

                return await call.SuperAsync();
            })
            .Register(Order, "wkf_confirm_order", StateButtons.Transition(Quotations, _ => new() { ["state"] = "confirmed" },
                "The purchase order {0} is not a request for quotation and cannot be confirmed.", RequireLinesAsync, LinesState("confirmed"), "order_line"))
            .Register(Order, "wkf_approve_order", StateButtons.Transition(["confirmed"], _ => new() { ["state"] = "approved", ["date_approve"] = Today() },
                "The purchase order {0} is not waiting for approval.", after: ValidatorAsync, fields: "order_line"))
            .Register(Order, "button_confirm", StateButtons.Transition(Quotations, _ => new() { ["state"] = "approved", ["date_approve"] = Today() },
                "The purchase order {0} is not a request for quotation and cannot be confirmed.", RequireLinesAsync,
                async (call, records, rows) =>
                {
                    await LinesState("confirmed")(call, records, rows);
                    await ValidatorAsync(call, records, rows);
                }, "order_line"))
            .Register(Order, "action_cancel", StateButtons.Transition([.. Quotations, "confirmed", "approved", "except_picking", "except_invoice"],
                _ => new() { ["state"] = "cancel" }, "The purchase order {0} is done and cannot be cancelled.", after: LinesState("cancel"), fields: "order_line"))
            .Register(Order, "action_cancel_draft", StateButtons.Transition(["cancel"], _ => new() { ["state"] = "draft" },
                "Only cancelled purchase orders can be set back to draft; {0} is not cancelled.", after: LinesState("draft"), fields: "order_line"))
            .RegisterCompute("purchase.order.line.price_subtotal", async call =>
            {
                foreach (var (id, row) in await RowsAsync(call.Records.Sudo(), ["product_qty", "price_unit"], call.CancellationToken))
                {
                    call.Set(id, "price_subtotal", Math.Round(Number(row["product_qty"]) * Number(row["price_unit"]), 2));
                }
            })
            .RegisterCompute("purchase.order.amounts", async call =>
            {
                var orders = await RowsAsync(call.Records.Sudo(), ["order_line"], call.CancellationToken);
                var lines = await RowsAsync(call.Env.Sudo()[Line].Browse(orders.Values.SelectMany(o => IdList(o["order_line"]))),
                    ["price_subtotal", "product_qty", "taxes_id"], call.CancellationToken);
                foreach (var (id, order) in orders)
                {
                    var (untaxed, tax) = await LineTotalsAsync(call.Env, IdList(order["order_line"]).Where(lines.ContainsKey)
                        .Select(l => (Number(lines[l]["price_subtotal"]), Number(lines[l]["product_qty"]), IdList(lines[l]["taxes_id"]))),
                        call.CancellationToken);
                    call.Set(id, "amount_untaxed", untaxed);
                    call.Set(id, "amount_tax", tax);
                    call.Set(id, "amount_total", Math.Round(untaxed + tax, 2));
                }
            });

    private static Task RequireLinesAsync(MethodCall call, RecordSet records, Dictionary<int, Dictionary<string, object?>> rows) =>
        rows.Values.Any(r => IdList(r["order_line"]).Count == 0)
            ? throw new UserErrorException("You cannot confirm a purchase order without any purchase order line.")
            : Task.CompletedTask;

    private static Func<MethodCall, RecordSet, Dictionary<int, Dictionary<string, object?>>, Task> LinesState(string state) =>
        (call, records, rows) => StateButtons.WriteAsync(records, Line, rows.Values.SelectMany(r => IdList(r["order_line"])),
            new() { ["state"] = state }, call.CancellationToken);

    private static Task ValidatorAsync(MethodCall call, RecordSet records, Dictionary<int, Dictionary<string, object?>> rows) =>
        records.WriteAsync(new Dictionary<string, object?> { ["validator"] = call.Env.Uid }, call.CancellationToken);
}
