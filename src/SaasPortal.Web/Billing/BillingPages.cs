using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using SaasPortal.Orm.Errors;
using SaasPortal.Web.Html;
using SaasPortal.Web.Portal;

namespace SaasPortal.Web.Billing;

/// <summary>
/// Billing on the portal's pages: the subscriptions and invoices section of "My databases" with a Pay button per open
/// invoice (for members of View Online Payment Options), the payment step, and the console's invoice list where the
/// operator marks a bank transfer received.
/// </summary>
public static class BillingPages
{
    /// <summary>The console's invoices.</summary>
    public const string ConsoleInvoicesPath = "/console/invoices";

    private const string MyInvoicesPath = "/my/invoices";

    private static readonly string[] States = ["open", "paid", "cancelled"];

    /// <summary>Maps the pages (inside the antiforgery-checked group).</summary>
    public static IEndpointRouteBuilder MapBillingPages(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(MyInvoicesPath + "/{id:int}/pay", PayAsync);
        endpoints.MapGet(ConsoleInvoicesPath, InvoicesAsync);
        endpoints.MapPost(ConsoleInvoicesPath + "/{id:int}/paid", MarkPaidAsync);
        return endpoints;
    }

    /// <summary>The "Subscriptions and invoices" section of "My databases".</summary>
    public static async Task<HtmlText> MySectionAsync(HttpContext context, PortalUser user)
    {
        var billing = context.RequestServices.GetService(typeof(BillingDirectory)) as BillingDirectory;
        if (billing is null)
        {
            return HtmlText.Empty;
        }

        var ct = context.RequestAborted;
        var subscriptions = await billing.SubscriptionsOfAsync(user, ct);
        var invoices = await billing.InvoicesOfAsync(user, ct);
        if (subscriptions.Count == 0 && invoices.Count == 0)
        {
            return HtmlText.Empty;
        }

        var mayPay = await billing.MayPayAsync(user, ct);
        return Markup.Of($"""
            <section aria-labelledby="billing-title"><h2 id="billing-title">Subscriptions and invoices</h2>
            <div class="table-wrap"><table><caption class="visually-hidden">Your subscriptions</caption>
            <thead><tr><th scope="col">Database</th><th scope="col">Billing</th><th scope="col">State</th><th scope="col">Next invoice</th></tr></thead>
            <tbody>{Markup.Each(subscriptions, s => Markup.Of($"""
                <tr><td>{s.Database}</td><td>{(s.Period == "year" ? "yearly" : "monthly")}</td><td><span class="state {s.State}">{s.State.Replace('_', ' ')}</span></td><td>{s.NextInvoiceDate ?? "none"}</td></tr>
                """))}</tbody></table></div>
            <div class="table-wrap"><table><caption class="visually-hidden">Your invoices</caption>
            <thead><tr><th scope="col">Invoice</th><th scope="col">Database</th><th scope="col">Period</th><th scope="col">Amount</th><th scope="col">State</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
            <tbody>{Markup.Each(invoices, i => Markup.Of($"""
                <tr><td>{i.Number}</td><td>{i.Database}</td><td>{i.PeriodStart} – {i.PeriodEnd}</td><td>{i.Amount} {i.Currency}</td><td><span class="state {i.State}">{i.State}</span></td>
                <td>{Markup.If(mayPay && i.State == "open", () => PayForm(context, billing, i))}</td></tr>
                """))}</tbody></table></div></section>
            """);
    }

    private static HtmlText PayForm(HttpContext context, BillingDirectory billing, InvoiceView invoice) => Markup.Of($"""
        <form method="post" action="{MyInvoicesPath}/{invoice.Id}/pay" class="inline">{Page.AntiforgeryField(context)}
        <label for="provider-{invoice.Id}" class="visually-hidden">Payment method for {invoice.Number}</label>
        <select id="provider-{invoice.Id}" name="provider">{Markup.Each(billing.Providers, p => Markup.Of($"""<option value="{p.Code}">{p.Label}</option>"""))}</select>
        <button type="submit" aria-label="Pay {invoice.Number}">Pay</button></form>
        """);

    private static async Task<IResult> PayAsync(HttpContext context, PortalDirectory portal, BillingDirectory billing, int id, [FromForm] string? provider)
    {
        if (await PortalPages.CurrentUserAsync(context, portal) is not { } user)
        {
            return PortalPages.ToLogin(context);
        }

        try
        {
            var step = await billing.StartPaymentAsync(user, id, provider ?? "manual", context.RequestAborted);
            if (step.RedirectUrl is { } url && Uri.TryCreate(url, UriKind.Absolute, out var target) && target.Scheme is "https" or "http")
            {
                // The provider's own payment page (Stripe Checkout); it sends the customer back to "My databases".
                return Results.Redirect(target.AbsoluteUri);
            }

            return Page.Render(context, "Pay by bank transfer", PortalPages.Chrome(context, user), Markup.Of($"""
                <div class="card narrow"><p>{step.Instructions}</p><dl class="facts"><dt>Reference</dt><dd>{step.Reference}</dd></dl>
                <p><a href="{PortalPages.MyDatabasesPath}">Back to my databases</a></p></div>
                """));
        }
        catch (OdooException e) when (e is UserErrorException or AccessErrorException or AccessDeniedException)
        {
            return Page.Render(context, "Payment", PortalPages.Chrome(context, user), Markup.Of($"""
                {Page.Alert(e.Message)}<p><a href="{PortalPages.MyDatabasesPath}">Back to my databases</a></p>
                """), e is UserErrorException ? StatusCodes.Status400BadRequest : StatusCodes.Status403Forbidden);
        }
    }

    private static async Task<IResult> InvoicesAsync(HttpContext context, PortalDirectory portal, BillingDirectory billing, string? state) =>
        await InvoicesPageAsync(context, portal, billing, state, null);

    private static async Task<IResult> InvoicesPageAsync(HttpContext context, PortalDirectory portal, BillingDirectory billing, string? state, string? error)
    {
        var user = await PortalPages.CurrentUserAsync(context, portal);
        if (user is null)
        {
            return PortalPages.ToLogin(context);
        }

        if (!user.IsManager)
        {
            return Page.Render(context, "Not allowed", PortalPages.Chrome(context, user), Page.Alert("Only portal managers use the console."), StatusCodes.Status403Forbidden);
        }

        state = States.Contains(state, StringComparer.Ordinal) ? state : null;
        var invoices = await billing.SearchAsync(state, context.RequestAborted);
        var body = Markup.Of($"""
            {Page.Alert(error)}
            <form method="get" action="{ConsoleInvoicesPath}" class="card" role="search">
            <label for="state">State</label><select id="state" name="state"><option value="">Any</option>{Markup.Each(States, s => s == state
                ? Markup.Of($"""<option value="{s}" selected>{s}</option>""")
                : Markup.Of($"""<option value="{s}">{s}</option>"""))}</select>
            <div class="actions"><button type="submit">Filter</button></div>
            </form>
            <div class="table-wrap"><table><caption class="visually-hidden">Invoices</caption>
            <thead><tr><th scope="col">Invoice</th><th scope="col">Database</th><th scope="col">Customer</th><th scope="col">Period</th><th scope="col">Amount</th><th scope="col">State</th><th scope="col">Provider</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
            <tbody>{Markup.Each(invoices, i => Markup.Of($"""
                <tr><td>{i.Number}</td><td>{i.Database}</td><td>{i.Customer}</td><td>{i.PeriodStart} – {i.PeriodEnd}</td><td>{i.Amount} {i.Currency}</td>
                <td><span class="state {i.State}">{i.State}</span></td><td>{i.Provider}</td>
                <td>{Markup.If(i.State == "open", () => Page.PostButton(context, $"{ConsoleInvoicesPath}/{i.Id}/paid", "Mark paid"))}</td></tr>
                """))}</tbody></table></div>
            <p class="hint">{PortalDirectory.Plural(invoices.Count, "invoice")} shown. Marking an invoice paid extends its database by the invoice's period.</p>
            """);
        return Page.Render(context, "Invoices", PortalPages.Chrome(context, user), body);
    }

    private static async Task<IResult> MarkPaidAsync(HttpContext context, PortalDirectory portal, BillingDirectory billing, int id)
    {
        var user = await PortalPages.CurrentUserAsync(context, portal);
        if (user is null)
        {
            return PortalPages.ToLogin(context);
        }

        try
        {
            await billing.MarkPaidAsync(user, id, context.RequestAborted);
        }
        catch (OdooException e) when (e is UserErrorException or AccessErrorException)
        {
            return await InvoicesPageAsync(context, portal, billing, null, e.Message);
        }

        return Results.Redirect(ConsoleInvoicesPath);
    }
}
