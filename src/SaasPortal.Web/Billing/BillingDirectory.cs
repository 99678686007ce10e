using SaasPortal.Orm;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Service;
using SaasPortal.Saas;
using SaasPortal.Saas.Billing;
using SaasPortal.Web.Portal;

namespace SaasPortal.Web.Billing;

/// <summary>An invoice as "My databases" and the console show it.</summary>
public sealed record InvoiceView(int Id, string Number, string? Database, string? Customer, string PeriodStart, string PeriodEnd, string Amount, string Currency,
    string State, string? Provider, string? PaidDate);

/// <summary>A database's subscription as "My databases" shows it.</summary>
public sealed record SubscriptionView(string? Database, string Period, string State, string? NextInvoiceDate);

/// <summary>What a started payment asks of the customer.</summary>
public sealed record PaymentStep(string? RedirectUrl, string? Instructions, string Reference);

/// <summary>
/// Reads subscriptions and invoices for the pages (with the superuser's rights, filtered to the signed-in customer's
/// partner as "My databases" does) and starts or confirms payments through the model methods, run as the signed-in
/// user so that the methods' own checks (payment group, ownership, manager) decide.
/// </summary>
public sealed class BillingDirectory(OrmService orm, WebOptions options, PaymentProviders providers)
{
    private static readonly IReadOnlyDictionary<string, object?> NoKwargs = new Dictionary<string, object?>(StringComparer.Ordinal);

    private static readonly string[] InvoiceFields =
        ["name", "client_id", "partner_id", "period_start", "period_end", "amount", "currency", "state", "provider", "paid_date"];

    /// <summary>The configured providers (manual first).</summary>
    public IReadOnlyList<IPaymentProvider> Providers => providers.All;

    /// <summary>Whether <paramref name="user"/> may pay online (the group View Online Payment Options, or a manager).</summary>
    public Task<bool> MayPayAsync(PortalUser user, CancellationToken cancellationToken) => user.IsManager
        ? Task.FromResult(true)
        : orm.RunAsync(options.PortalDatabase, OrmEnvironment.SuperuserId, write: false, async env => Wire.Bool(await env.CallAsync("res.users", "has_group",
            [new List<object?> { user.Uid }, BillingBehaviour.PaymentGroup], null, cancellationToken)), cancellationToken);

    /// <summary>The subscriptions of <paramref name="user"/>'s databases.</summary>
    public Task<IReadOnlyList<SubscriptionView>> SubscriptionsOfAsync(PortalUser user, CancellationToken cancellationToken) =>
        orm.RunAsync(options.PortalDatabase, OrmEnvironment.SuperuserId, write: false, async env =>
        {
            var found = await env["saas_portal.subscription"].SearchAsync(Wire.Domain(("partner_id", "=", user.PartnerId)), cancellationToken, limit: 200);
            return (IReadOnlyList<SubscriptionView>)[.. (await found.ReadAsync(["client_id", "period", "state", "next_invoice_date"], cancellationToken))
                .Select(r => new SubscriptionView(Wire.Many2oneName(r["client_id"]), Wire.Text(r["period"]) ?? "month", Wire.Text(r["state"]) ?? "",
                    Wire.Text(r["next_invoice_date"])))];
        }, cancellationToken);

    /// <summary>The invoices of <paramref name="user"/>'s partner, newest first.</summary>
    public Task<IReadOnlyList<InvoiceView>> InvoicesOfAsync(PortalUser user, CancellationToken cancellationToken) =>
        SearchAsync(Wire.Domain(("partner_id", "=", user.PartnerId), ("state", "!=", "draft")), cancellationToken);

    /// <summary>Invoices for the console, optionally in one state.</summary>
    public Task<IReadOnlyList<InvoiceView>> SearchAsync(string? state, CancellationToken cancellationToken) =>
        SearchAsync(state is null ? [] : Wire.Domain(("state", "=", state)), cancellationToken);

    /// <summary>Starts paying invoice <paramref name="invoiceId"/> with <paramref name="provider"/>, as <paramref name="user"/>.</summary>
    public async Task<PaymentStep> StartPaymentAsync(PortalUser user, int invoiceId, string provider, CancellationToken cancellationToken)
    {
        var result = await orm.ExecuteKwAsSessionUserAsync(options.PortalDatabase, user.Uid, "saas_portal.invoice", "start_payment",
            [new List<object?> { invoiceId }], Wire.Values(("provider", provider)), cancellationToken) as IReadOnlyDictionary<string, object?>
            ?? throw new UserErrorException("start_payment returned nothing.");
        return new PaymentStep(Wire.Text(result.GetValueOrDefault("redirect_url")), Wire.Text(result.GetValueOrDefault("instructions")),
            Wire.Text(result.GetValueOrDefault("reference")) ?? "");
    }

    /// <summary>The operator confirms a payment received (a bank transfer).</summary>
    public Task MarkPaidAsync(PortalUser operatorUser, int invoiceId, CancellationToken cancellationToken) =>
        orm.ExecuteKwAsSessionUserAsync(options.PortalDatabase, operatorUser.Uid, "saas_portal.invoice", "action_mark_paid",
            [new List<object?> { invoiceId }], NoKwargs, cancellationToken);

    private Task<IReadOnlyList<InvoiceView>> SearchAsync(List<object?> domain, CancellationToken cancellationToken) =>
        orm.RunAsync(options.PortalDatabase, OrmEnvironment.SuperuserId, write: false, async env =>
        {
            var found = await env["saas_portal.invoice"].SearchAsync(domain, cancellationToken, limit: 200);
            return (IReadOnlyList<InvoiceView>)[.. (await found.ReadAsync(InvoiceFields, cancellationToken)).Select(r => new InvoiceView(
                (int)r["id"]!, Wire.Text(r["name"]) ?? "", Wire.Many2oneName(r["client_id"]), Wire.Many2oneName(r["partner_id"]),
                Day(r["period_start"]), Day(r["period_end"]), Wire.Text(r["amount"]) ?? "0.00", Wire.Text(r["currency"]) ?? "",
                Wire.Text(r["state"]) ?? "", Wire.Text(r["provider"]), Wire.Text(r["paid_date"])))];
        }, cancellationToken);

    private static string Day(object? value) => Wire.Text(value) is { Length: >= 10 } text ? text[..10] : "";
}
