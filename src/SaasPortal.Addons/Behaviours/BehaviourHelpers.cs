using System.Globalization;
using SaasPortal.Orm;
using SaasPortal.Orm.Methods;
using SaasPortal.Orm.Records;

namespace SaasPortal.Addons.Behaviours;

/// <summary>Small pieces the built-in behaviours share.</summary>
internal static class BehaviourHelpers
{
    /// <summary>
    /// Checks that the caller may write these records (ACL and record rules), then returns them in superuser mode:
    /// workflow buttons change fields that are read-only to users (state, dates), as Odoo's buttons do.
    /// </summary>
    public static async Task<RecordSet> WritableAsync(MethodCall call, IReadOnlyList<int> ids)
    {
        var records = call.Records.Browse(ids);
        await call.Env.CallAsync(call.Model.Name, "check_access_rights", ["write"], null, call.CancellationToken);
        await call.Env.CallAsync(call.Model.Name, "check_access_rule", [ids.Cast<object?>().ToList(), "write"], null, call.CancellationToken);
        var existing = await records.Sudo().ExistsAsync(call.CancellationToken);
        if (existing.Count != ids.Count)
        {
            throw Orm.Errors.MissingErrorException.For(call.Model.Name, ids.Except(existing.Ids));
        }

        return existing;
    }

    /// <summary>The ids of the first positional argument (Odoo's <c>self</c>).</summary>
    public static List<int> Ids(MethodCall call) => Values.ToIds(call.Bind(Parameter.Required("ids"))[0]);

    /// <summary>Reads the records' fields as wire rows keyed by id.</summary>
    public static async Task<Dictionary<int, Dictionary<string, object?>>> RowsAsync(RecordSet records, IReadOnlyList<string> fields,
        CancellationToken cancellationToken) =>
        (await records.ReadAsync(fields, cancellationToken)).ToDictionary(r => (int)r["id"]!);

    public static double Number(object? value) => value switch
    {
        double d => d,
        int i => i,
        long l => l,
        _ => 0,
    };

    public static int? Id(object? value) => Values.TryGetId(value, out var id) ? id : null;

    public static List<int> IdList(object? value) => value is null or false ? [] : Values.ToIds(value);

    /// <summary>The UTC date as Odoo writes dates.</summary>
    public static string Today() => DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The next value of the ir.sequence of <paramref name="code"/>, or null when there is none.</summary>
    public static async Task<string?> NextSequenceAsync(OrmEnvironment env, string code, CancellationToken cancellationToken)
    {
        var result = await env.Sudo().CallAsync("ir.sequence", "next_by_code", [code], null, cancellationToken);
        return result as string;
    }

    /// <summary>
    /// Amounts of document lines: subtotal = quantity × unit price × (1 − discount %); taxes per line from its
    /// percent (amount is a ratio, 0.15 = 15 %) and fixed (per unit) taxes; price-included taxes are taken out.
    /// </summary>
    public static async Task<(double Untaxed, double Tax)> LineTotalsAsync(OrmEnvironment env, IEnumerable<(double Subtotal, double Quantity, List<int> Taxes)> lines,
        CancellationToken cancellationToken)
    {
        var all = lines.ToList();
        var taxIds = all.SelectMany(l => l.Taxes).Distinct().ToList();
        var taxes = taxIds.Count == 0
            ? []
            : await RowsAsync(env.Sudo()["account.tax"].Browse(taxIds), ["amount", "type", "price_include"], cancellationToken);
        double untaxed = 0, tax = 0;
        foreach (var (subtotal, quantity, lineTaxes) in all)
        {
            var baseAmount = subtotal;
            var percent = lineTaxes.Where(taxes.ContainsKey).Select(t => taxes[t]).Where(t => (t["type"] as string) == "percent").ToList();
            var included = percent.Where(t => t["price_include"] is true).Sum(t => Number(t["amount"]));
            if (included != 0)
            {
                baseAmount = subtotal / (1 + included);
            }

            untaxed += baseAmount;
            tax += percent.Sum(t => baseAmount * Number(t["amount"]));
            tax += lineTaxes.Where(taxes.ContainsKey).Select(t => taxes[t]).Where(t => (t["type"] as string) == "fixed").Sum(t => Number(t["amount"]) * quantity);
        }

        return (Math.Round(untaxed, 2), Math.Round(tax, 2));
    }
}
