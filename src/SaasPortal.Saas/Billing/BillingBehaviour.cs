using SaasPortal.Addons.Behaviours;
using SaasPortal.Orm;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Methods;
using SaasPortal.Saas.Portal;

namespace SaasPortal.Saas.Billing;

/// <summary>
/// The billing methods of the portal: <c>saas_portal.invoice.start_payment</c> (the invoice's customer, in the group
/// View Online Payment Options, or a manager), <c>action_mark_paid</c> and <c>run_billing_job</c> (managers), and
/// checks of the plans' prices on create and write.
/// </summary>
public sealed class BillingBehaviour(BillingJob job, InvoicePayments payments, PaymentProviders providers) : IAddonBehaviour
{
    /// <summary>The group whose members pay their invoices online (Odoo's "View Online Payment Options").</summary>
    public const string PaymentGroup = "saas_portal.group_payment_options";

    private const string Invoice = "saas_portal.invoice";

    /// <inheritdoc />
    public string Addon => "saas_portal";

    /// <inheritdoc />
    public void Register(MethodTable methods)
    {
        methods.Register(Invoice, "start_payment", StartPaymentAsync);
        methods.Register(Invoice, "action_mark_paid", MarkPaidAsync);
        methods.Register(Invoice, "run_billing_job", RunBillingJobAsync);
        methods.Register("saas_portal.plan", "create", CheckPricesAsync);
        methods.Register("saas_portal.plan", "write", CheckPricesAsync);
        methods.Register("saas_portal.subscription", "create", CheckPeriodAsync);
        methods.Register("saas_portal.subscription", "write", CheckPeriodAsync);
    }

    /// <summary>
    /// <c>start_payment([id], provider='manual')</c>: asks the provider how to collect an open invoice and returns
    /// <c>{provider, reference, redirect_url, instructions}</c>; the reference is kept on the invoice to match the
    /// confirmation.
    /// </summary>
    private async Task<object?> StartPaymentAsync(MethodCall call)
    {
        var a = call.Bind(Parameter.Required("ids"), Parameter.Optional("provider", ManualPaymentProvider.ProviderCode));
        var ct = call.CancellationToken;
        var ids = SaasPortal.Orm.Records.Values.ToIds(a[0], "ids");
        if (ids.Count != 1)
        {
            throw new UserErrorException("Pay one invoice at a time.");
        }

        var provider = providers.Get(a[1] as string ?? ManualPaymentProvider.ProviderCode);
        var invoice = await call.Env.Sudo()[Invoice].Browse(ids[0]).ExistsAsync(ct);
        if (invoice.Count == 0)
        {
            throw new UserErrorException($"Invoice {ids[0]} does not exist.");
        }

        var row = (await invoice.ReadAsync(["name", "state", "partner_id", "client_id", "amount", "currency", "period_start", "period_end"], ct))[0];
        await EnsureMayPayAsync(call.Env, Wire.Many2oneId(row["partner_id"]), ct);
        if (Wire.Text(row["state"]) != "open")
        {
            throw new UserErrorException($"Invoice {Wire.Text(row["name"])} is {Wire.Text(row["state"])}, not open.");
        }

        var email = Wire.Many2oneId(row["partner_id"]) is { } partner
            ? Wire.Text(await call.Env.Sudo()["res.partner"].Browse(partner).GetAsync("email", ct))
            : null;
        var returnUrl = new Uri(new Uri(await TenantUrls.PortalUrlAsync(call.Env, ct)), "/my/databases");
        var number = Wire.Text(row["name"]) ?? "";
        var request = new PaymentRequest(invoice.Id, number, Money.Parse(row["amount"], "Amount"), Money.Currency(row["currency"]),
            $"{Wire.Many2oneName(row["client_id"])} {Day(row["period_start"])} – {Day(row["period_end"])} ({number})", email, returnUrl);
        var start = await provider.StartAsync(request, ct);
        await invoice.WriteAsync(Wire.Values(("provider", provider.Code), ("provider_reference", start.Reference)), ct);
        return Wire.Values(("provider", provider.Code), ("reference", start.Reference),
            ("redirect_url", start.RedirectUrl ?? (object)false), ("instructions", start.Instructions ?? (object)false));
    }

    /// <summary><c>action_mark_paid(ids, reference=None)</c>: the operator confirms payments received (bank transfers); returns how many were newly paid.</summary>
    private async Task<object?> MarkPaidAsync(MethodCall call)
    {
        var a = call.Bind(Parameter.Required("ids"), Parameter.Optional("reference"));
        await PortalRoles.EnsureManagerAsync(call.Env, "mark invoices paid", call.CancellationToken);
        var paid = 0;
        foreach (var id in SaasPortal.Orm.Records.Values.ToIds(a[0], "ids"))
        {
            paid += await payments.PayAsync(call.Env, id, ManualPaymentProvider.ProviderCode, a[1] as string, call.CancellationToken) ? 1 : 0;
        }

        return paid;
    }

    /// <summary><c>run_billing_job()</c>: the periodic pass's billing step, for managers (and tests) at any time.</summary>
    private async Task<object?> RunBillingJobAsync(MethodCall call)
    {
        call.Bind(Parameter.Optional("ids"));
        await PortalRoles.EnsureManagerAsync(call.Env, "run the billing job", call.CancellationToken);
        var result = await job.RunAsync(call.Env, call.CancellationToken);
        return Wire.Values(
            ("subscribed", result.Subscribed.Cast<object?>().ToList()), ("invoiced", result.Invoiced.Cast<object?>().ToList()),
            ("past_due", result.PastDue.Cast<object?>().ToList()), ("deadlines", result.Deadlines.Cast<object?>().ToList()));
    }

    private static async Task<object?> CheckPricesAsync(MethodCall call)
    {
        // create(vals) and write(ids, vals): the values are the last positional argument (or the vals keyword).
        var values = call.Kwargs.TryGetValue("vals", out var named) ? named : call.Args.Count > 0 ? call.Args[^1] : null;
        foreach (var item in values is IList<object?> many ? many : [values])
        {
            if (item is IDictionary<string, object?> vals)
            {
                foreach (var field in (string[])["price_monthly", "price_yearly", "price_extra_user"])
                {
                    if (vals.TryGetValue(field, out var price))
                    {
                        Money.Parse(price, field);
                    }
                }

                if (vals.TryGetValue("currency", out var currency) && currency is not (null or false))
                {
                    Money.Currency(currency);
                }
            }
        }

        return await call.SuperAsync();
    }

    private static Task<object?> CheckPeriodAsync(MethodCall call)
    {
        var values = call.Kwargs.TryGetValue("vals", out var named) ? named : call.Args.Count > 0 ? call.Args[^1] : null;
        if (values is IDictionary<string, object?> vals && vals.TryGetValue("period", out var period) && period is string p)
        {
            BillingPeriods.End(DateTime.UnixEpoch, p);
        }

        return call.SuperAsync();
    }

    private static async Task EnsureMayPayAsync(OrmEnvironment env, int? invoicePartner, CancellationToken cancellationToken)
    {
        if (await PortalRoles.IsManagerAsync(env, cancellationToken))
        {
            return;
        }

        var user = (await env.Sudo()["res.users"].Browse(env.Uid).ReadAsync(["partner_id"], cancellationToken))[0];
        var inGroup = Wire.Bool(await env.Sudo().CallAsync("res.users", "has_group", [new List<object?> { env.Uid }, PaymentGroup], null, cancellationToken));
        if (!inGroup || invoicePartner is null || Wire.Many2oneId(user["partner_id"]) != invoicePartner)
        {
            throw new AccessErrorException("Only the invoice's customer (with online payment options) or a portal manager may pay it.");
        }
    }

    private static string Day(object? datetime) => Wire.Text(datetime) is { Length: >= 10 } text ? text[..10] : "";
}
