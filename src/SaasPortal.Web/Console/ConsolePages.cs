using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SaasPortal.Orm.Errors;
using SaasPortal.Web.Html;
using SaasPortal.Web.Portal;

namespace SaasPortal.Web.Console;

/// <summary>The operator's console (portal managers only): the clients table with search, and a client's page with suspend and resume.</summary>
public static class ConsolePages
{
    private const string ClientsPath = "/console/clients";

    private static readonly string[] States = ["draft", "open", "pending", "deleted"];

    /// <summary>Maps the pages.</summary>
    public static IEndpointRouteBuilder MapConsolePages(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(ClientsPath, ClientsAsync);
        endpoints.MapGet(ClientsPath + "/{id:int}", ClientAsync);
        endpoints.MapPost(ClientsPath + "/{id:int}/suspend", (HttpContext context, PortalDirectory portal, int id) => SetSuspendedAsync(context, portal, id, true));
        endpoints.MapPost(ClientsPath + "/{id:int}/resume", (HttpContext context, PortalDirectory portal, int id) => SetSuspendedAsync(context, portal, id, false));
        return endpoints;
    }

    /// <summary>The operator, or the response that turns anybody else away.</summary>
    private static async Task<(PortalUser? Operator, IResult? Refusal)> OperatorAsync(HttpContext context, PortalDirectory portal)
    {
        var user = await PortalPages.CurrentUserAsync(context, portal);
        if (user is null)
        {
            return (null, PortalPages.ToLogin(context));
        }

        return user.IsManager
            ? (user, null)
            : (null, Page.Render(context, "Not allowed", PortalPages.Chrome(context, user), Page.Alert("Only portal managers use the console."), StatusCodes.Status403Forbidden));
    }

    private static async Task<IResult> ClientsAsync(HttpContext context, PortalDirectory portal, string? q, string? state)
    {
        var (user, refusal) = await OperatorAsync(context, portal);
        if (user is null)
        {
            return refusal!;
        }

        state = States.Contains(state, StringComparer.Ordinal) ? state : null;
        var clients = await portal.SearchClientsAsync(q, state, context.RequestAborted);
        var body = Markup.Of($"""
            <form method="get" action="{ClientsPath}" class="card" role="search">
            <label for="q">Search by database name or client id</label><input id="q" name="q" type="search" value="{q}">
            <label for="state">State</label><select id="state" name="state"><option value="">Any</option>{Markup.Each(States, s => s == state
                ? Markup.Of($"""<option value="{s}" selected>{s}</option>""")
                : Markup.Of($"""<option value="{s}">{s}</option>"""))}</select>
            <div class="actions"><button type="submit">Search</button></div>
            </form>
            <div class="table-wrap"><table><caption class="visually-hidden">Clients</caption>
            <thead><tr><th scope="col">Database</th><th scope="col">Owner</th><th scope="col">Plan</th><th scope="col">State</th><th scope="col">Users</th><th scope="col">Storage</th><th scope="col">Expires</th></tr></thead>
            <tbody>{Markup.Each(clients, c => Markup.Of($"""
                <tr><td><a href="{ClientsPath}/{c.Id}">{c.Name}</a></td><td>{c.Partner}</td><td>{c.Plan}</td><td>{PortalPages.Badge(c)}</td>
                <td>{c.Users} of {PortalPages.Limit(c.MaxUsers, "")}</td><td>{c.StorageMegabytes} MB of {PortalPages.Limit(c.StorageLimitMegabytes, " MB")}</td><td>{c.Expiration ?? "never"}</td></tr>
                """))}</tbody></table></div>
            <p class="hint">{PortalDirectory.Plural(clients.Count, "client")} shown.</p>
            """);
        return Page.Render(context, "Clients", PortalPages.Chrome(context, user), body);
    }

    private static async Task<IResult> ClientAsync(HttpContext context, PortalDirectory portal, int id) =>
        await ClientPageAsync(context, portal, id, null);

    private static async Task<IResult> ClientPageAsync(HttpContext context, PortalDirectory portal, int id, string? error)
    {
        var (user, refusal) = await OperatorAsync(context, portal);
        if (user is null)
        {
            return refusal!;
        }

        if (await portal.ClientAsync(id, context.RequestAborted) is not { } client)
        {
            return Page.Render(context, "No such client", PortalPages.Chrome(context, user), Page.Alert("This client does not exist."), StatusCodes.Status404NotFound);
        }

        var body = Markup.Of($"""
            {Page.Alert(error)}
            <section class="card" aria-labelledby="facts-title"><h2 id="facts-title">Facts</h2>
            <dl class="facts">
            <dt>State</dt><dd>{PortalPages.Badge(client)}</dd>
            <dt>Client id</dt><dd>{client.ClientId}</dd>
            <dt>Owner</dt><dd>{client.Partner}</dd>
            <dt>Plan</dt><dd>{client.Plan}</dd>
            <dt>Trial</dt><dd>{(client.Trial ? "yes" : "no")}</dd>
            <dt>Users</dt><dd>{client.Users} of {PortalPages.Limit(client.MaxUsers, "")}</dd>
            <dt>Storage</dt><dd>{client.StorageMegabytes} MB of {PortalPages.Limit(client.StorageLimitMegabytes, " MB")}</dd>
            <dt>Expires</dt><dd>{client.Expiration ?? "never"}</dd>
            <dt>Last synchronised</dt><dd>{client.LastSync ?? "never"}</dd>
            </dl></section>
            {Markup.If(client.State != "deleted", () => Markup.Of($"""
                <div class="actions">{(client.Suspended
                    ? Page.PostButton(context, $"{ClientsPath}/{client.Id}/resume", "Resume", "")
                    : Page.PostButton(context, $"{ClientsPath}/{client.Id}/suspend", "Suspend", "danger"))}</div>
                """))}
            <p><a href="{ClientsPath}">All clients</a></p>
            """);
        return Page.Render(context, client.Name, PortalPages.Chrome(context, user), body);
    }

    private static async Task<IResult> SetSuspendedAsync(HttpContext context, PortalDirectory portal, int id, bool suspended)
    {
        var (user, refusal) = await OperatorAsync(context, portal);
        if (user is null)
        {
            return refusal!;
        }

        try
        {
            await portal.SetSuspendedAsync(user, id, suspended, context.RequestAborted);
        }
        catch (OdooException e) when (e is UserErrorException or AccessErrorException)
        {
            return await ClientPageAsync(context, portal, id, e.Message);
        }

        return Results.Redirect($"{ClientsPath}/{id}");
    }
}
