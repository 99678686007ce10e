using SaasPortal.Addons.Behaviours;
using SaasPortal.Orm;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Methods;
using static SaasPortal.Addons.Behaviours.BehaviourHelpers;

namespace SaasPortal.Addons.BuiltIn;

/// <summary>
/// account's C# behaviour: line subtotals and invoice totals, defaults (salesperson, journal and partner account
/// by invoice type), and Odoo 8's buttons: <c>invoice_validate</c> (also <c>action_invoice_open</c>: draft →
/// open, numbered from the type's sequence), <c>action_cancel</c> and <c>action_cancel_draft</c>.
/// </summary>
internal sealed class AccountBehaviour : IAddonBehaviour
{
    private const string Invoice = "account.invoice";
    private const string Line = "account.invoice.line";

    public string Addon => "account";

    public void Register(MethodTable methods)
    {
        var validate = StateButtons.Transition(["draft", "proforma", "proforma2"],
            _ => new(), "The invoice {0} is not a draft and cannot be validated.", check: RequireLinesAsync, after: NumberAsync,
            fields: ["invoice_line", "type", "date_invoice", "amount_total", "number"]);
        methods.RegisterDefault(Invoice, "user_id", (env, _) => Task.FromResult<object?>(env.Uid))
            .RegisterDefault(Invoice, "journal_id", (env, ct) => FirstAsync(env, "account.journal", [["type", "=", "sale"]], ct))
            .RegisterDefault(Invoice, "account_id", (env, ct) => FirstAsync(env, "account.account", [["type", "=", "receivable"]], ct))
            .Register(Invoice, "invoice_validate", validate)
            .Register(Invoice, "action_invoice_open", validate)
            .Register(Invoice, "action_cancel", StateButtons.Transition(["draft", "proforma", "proforma2", "open"],
                _ => new() { ["state"] = "cancel" }, "The invoice {0} is paid and cannot be cancelled."))
            .Register(Invoice, "action_cancel_draft", StateButtons.Transition(["cancel"],
                _ => new() { ["state"] = "draft" }, "Only cancelled invoices can be set back to draft; {0} is not cancelled."))
            .RegisterCompute("account.invoice.line.price_subtotal", async call =>
            {
                foreach (var (id, row) in await RowsAsync(call.Records.Sudo(), ["quantity", "price_unit", "discount"], call.CancellationToken))
                {
                    call.Set(id, "price_subtotal",
                        Math.Round(Number(row["quantity"]) * Number(row["price_unit"]) * (1 - (Number(row["discount"]) / 100)), 2));
                }
            })
            .RegisterCompute("account.invoice.amounts", async call =>
            {
                var invoices = await RowsAsync(call.Records.Sudo(), ["invoice_line"], call.CancellationToken);
                var lines = await RowsAsync(call.Env.Sudo()[Line].Browse(invoices.Values.SelectMany(i => IdList(i["invoice_line"]))),
                    ["price_subtotal", "quantity", "invoice_line_tax_id"], call.CancellationToken);
                foreach (var (id, invoice) in invoices)
                {
                    var (untaxed, tax) = await LineTotalsAsync(call.Env, IdList(invoice["invoice_line"]).Where(lines.ContainsKey)
                        .Select(l => (Number(lines[l]["price_subtotal"]), Number(lines[l]["quantity"]), IdList(lines[l]["invoice_line_tax_id"]))),
                        call.CancellationToken);
                    call.Set(id, "amount_untaxed", untaxed);
                    call.Set(id, "amount_tax", tax);
                    call.Set(id, "amount_total", Math.Round(untaxed + tax, 2));
                }
            });
    }

    private static Task RequireLinesAsync(MethodCall call, Orm.Records.RecordSet records, Dictionary<int, Dictionary<string, object?>> rows) =>
        rows.Values.Any(r => IdList(r["invoice_line"]).Count == 0)
            ? throw new UserErrorException("Please create some invoice lines.")
            : Task.CompletedTask;

    private static async Task NumberAsync(MethodCall call, Orm.Records.RecordSet records, Dictionary<int, Dictionary<string, object?>> rows)
    {
        foreach (var (id, row) in rows)
        {
            var number = row["number"] as string
                ?? await NextSequenceAsync(call.Env, "account.invoice." + (row["type"] as string ?? "out_invoice"), call.CancellationToken)
                ?? $"INV/{id}";
            await records.Browse(id).WriteAsync(new Dictionary<string, object?>
            {
                ["state"] = "open",
                ["number"] = number,
                ["date_invoice"] = row["date_invoice"] is string date ? date : Today(),
                ["residual"] = row["amount_total"],
            }, call.CancellationToken);
        }
    }

    private static async Task<object?> FirstAsync(OrmEnvironment env, string model, object?[][] domain, CancellationToken cancellationToken)
    {
        var found = await env.Sudo()[model].SearchAsync(domain.Select(t => (object?)t.ToList()).ToList(), cancellationToken, limit: 1);
        return found.Count == 1 ? found.Id : false;
    }
}
