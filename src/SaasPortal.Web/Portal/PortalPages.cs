using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using SaasPortal.Api.Services;
using SaasPortal.Orm.Errors;
using SaasPortal.Web.Hosting;
using SaasPortal.Web.Html;

namespace SaasPortal.Web.Portal;

/// <summary>The portal's pages: landing with the plans, sign-up, log in and out, "My databases" and "New database".</summary>
public static class PortalPages
{
    /// <summary>Where a signed-in customer lands.</summary>
    public const string MyDatabasesPath = "/my/databases";

    private const string Brand = "SaaS Portal";

    /// <summary>Maps the pages.</summary>
    public static IEndpointRouteBuilder MapPortalPages(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", LandingAsync);
        endpoints.MapGet("/web/signup", (HttpContext context) => SignupPage(context, null, null, null));
        endpoints.MapPost("/web/signup", SignupAsync);
        endpoints.MapGet("/web/login", (HttpContext context, string? redirect) => LoginPage(context, null, null, redirect));
        endpoints.MapPost("/web/login", LoginAsync);
        endpoints.MapPost("/web/logout", (Delegate)LogoutAsync);
        endpoints.MapGet(MyDatabasesPath, MyDatabasesAsync);
        endpoints.MapGet(MyDatabasesPath + "/new", NewDatabaseAsync);
        endpoints.MapPost(MyDatabasesPath + "/new", CreateDatabaseAsync);
        return endpoints;
    }

    /// <summary>The signed-in portal user, or null (also when the account was archived since).</summary>
    public static async Task<PortalUser?> CurrentUserAsync(HttpContext context, PortalDirectory portal)
    {
        var session = await WebSessions.ReadAsync(context, WebSessions.PortalScheme, portal.Database);
        return session is null ? null : await portal.UserAsync(session.Uid, context.RequestAborted);
    }

    /// <summary>The portal's frame, with the navigation of <paramref name="user"/>.</summary>
    public static PageChrome Chrome(HttpContext context, PortalUser? user) => new(Brand, "/", user is null
        ? Markup.Of($"""<a href="/web/login">Log in</a><a class="button" href="/web/signup">Sign up</a>""")
        : Markup.Of($"""
            <a href="{MyDatabasesPath}">My databases</a><a href="{MyDatabasesPath}/new">New database</a>{Markup.If(user.IsManager, () => Markup.Of($"""<a href="/console/clients">Console</a>"""))}
            <span class="visually-hidden">Signed in as</span><span>{user.Name}</span>{Page.PostButton(context, "/web/logout", "Log out")}
            """));

    /// <summary>A redirect to the login page that comes back to the current URL afterwards.</summary>
    public static IResult ToLogin(HttpContext context) =>
        Results.Redirect("/web/login?redirect=" + Uri.EscapeDataString(context.Request.Path + context.Request.QueryString));

    private static async Task<IResult> LandingAsync(HttpContext context, PortalDirectory portal)
    {
        var user = await CurrentUserAsync(context, portal);
        var plans = await portal.PlansAsync(context.RequestAborted);
        var body = Markup.Of($"""
            <p>Your own business database, ready in seconds. Pick a plan, sign up, and open it.</p>
            <section aria-labelledby="plans-title"><h2 id="plans-title">Plans</h2>
            <div class="grid">{Markup.Each(plans, plan => Markup.Of($"""
                <article class="card"><h3>{plan.Name}</h3><p>{plan.Summary}</p>
                <dl class="facts"><dt>Users</dt><dd>{Limit(plan.MaxUsers, "")}</dd><dt>Storage</dt><dd>{Limit(plan.StorageLimitMegabytes, " MB")}</dd>
                <dt>Trial</dt><dd>{(plan.TrialHours > 0 ? PortalDirectory.Plural(plan.TrialHours, "hour") : "none")}</dd></dl>
                <div class="actions"><a class="button" href="{(user is null ? "/web/signup" : MyDatabasesPath + "/new?plan=" + plan.Id)}">Start with {plan.Name}</a></div>
                </article>
                """))}</div></section>
            """);
        return Page.Render(context, "Business databases as a service", Chrome(context, user), body);
    }

    private static IResult SignupPage(HttpContext context, string? error, string? name, string? login, int status = StatusCodes.Status200OK) =>
        Page.Render(context, "Sign up", Chrome(context, null), Markup.Of($"""
            <div class="card narrow">{Page.Alert(error)}
            <form method="post" action="/web/signup">{Page.AntiforgeryField(context)}
            <label for="name">Your name</label><input id="name" name="name" type="text" autocomplete="name" required value="{name}">
            <label for="login">E-mail</label><input id="login" name="login" type="email" autocomplete="email" required value="{login}">
            <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="new-password" required minlength="8" aria-describedby="password-hint">
            <p class="hint" id="password-hint">At least 8 characters, not your e-mail address.</p>
            <label for="confirm_password">Confirm password</label><input id="confirm_password" name="confirm_password" type="password" autocomplete="new-password" required>
            <div class="actions"><button type="submit">Create my account</button><a href="/web/login">I already have an account</a></div>
            </form></div>
            """), status);

    private static async Task<IResult> SignupAsync(HttpContext context, PortalDirectory portal,
        [FromForm] string? name, [FromForm] string? login, [FromForm] string? password, [FromForm(Name = "confirm_password")] string? confirm)
    {
        login = login?.Trim();
        if (string.IsNullOrEmpty(login) || string.IsNullOrEmpty(password))
        {
            return SignupPage(context, "Give your e-mail address and a password.", name, login, StatusCodes.Status400BadRequest);
        }

        if (!string.Equals(password, confirm, StringComparison.Ordinal))
        {
            return SignupPage(context, "The passwords do not match.", name, login, StatusCodes.Status400BadRequest);
        }

        try
        {
            var uid = await portal.SignupAsync(string.IsNullOrWhiteSpace(name) ? login : name.Trim(), login, password, context.RequestAborted);
            await WebSessions.SignInAsync(context, WebSessions.PortalScheme, new SessionUser(portal.Database, uid, login));
            return Results.Redirect(MyDatabasesPath);
        }
        catch (UserErrorException e)
        {
            return SignupPage(context, e.Message, name, login, StatusCodes.Status400BadRequest);
        }
    }

    private static IResult LoginPage(HttpContext context, string? error, string? login, string? redirect, int status = StatusCodes.Status200OK) =>
        Page.Render(context, "Log in", Chrome(context, null), Markup.Of($"""
            <div class="card narrow">{Page.Alert(error)}
            <form method="post" action="/web/login">{Page.AntiforgeryField(context)}
            <input type="hidden" name="redirect" value="{ReturnUrls.LocalOr(redirect, MyDatabasesPath)}">
            <label for="login">E-mail or login</label><input id="login" name="login" type="text" autocomplete="username" required value="{login}">
            <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
            <div class="actions"><button type="submit">Log in</button><a href="/web/signup">Create an account</a><a href="/web/reset_password">Forgot your password?</a></div>
            </form></div>
            """), status);

    private static async Task<IResult> LoginAsync(HttpContext context, PortalDirectory portal,
        [FromForm] string? login, [FromForm] string? password, [FromForm] string? redirect)
    {
        login = login?.Trim();
        int? uid;
        try
        {
            uid = string.IsNullOrEmpty(login) || string.IsNullOrEmpty(password) ? null
                : await portal.AuthenticateAsync(login, password, context.RequestAborted);
        }
        catch (ServiceException e) when (e.FaultCode == ServiceException.AccessDeniedCode)
        {
            // Too many failures from this address: the limiter refused without checking the password.
            return LoginPage(context, e.Message, login, redirect, StatusCodes.Status429TooManyRequests);
        }

        if (uid is null)
        {
            return LoginPage(context, "Wrong login/password", login, redirect, StatusCodes.Status401Unauthorized);
        }

        await WebSessions.SignInAsync(context, WebSessions.PortalScheme, new SessionUser(portal.Database, uid.Value, login!));
        // Only paths of this site: a crafted ?redirect=https://evil.example or //evil.example lands on "My databases".
        return Results.Redirect(ReturnUrls.LocalOr(redirect, MyDatabasesPath));
    }

    private static async Task<IResult> LogoutAsync(HttpContext context)
    {
        await WebSessions.SignOutAsync(context, WebSessions.PortalScheme);
        return Results.Redirect("/");
    }

    private static async Task<IResult> MyDatabasesAsync(HttpContext context, PortalDirectory portal, string? created)
    {
        if (await CurrentUserAsync(context, portal) is not { } user)
        {
            return ToLogin(context);
        }

        var clients = await portal.ClientsOfAsync(user, context.RequestAborted);
        var portalUrl = new Uri(await portal.PortalUrlAsync(context.RequestAborted));
        var billing = await Billing.BillingPages.MySectionAsync(context, user);
        var body = Markup.Of($"""
            {Page.Alert(created is null ? null : $"Database {created} is ready.", error: false)}
            <div class="actions"><a class="button" href="{MyDatabasesPath}/new">New database</a></div>
            {(clients.Count == 0
                ? Markup.Of($"""<p>You have no databases yet.</p>""")
                : Markup.Of($"""
                    <div class="table-wrap"><table><caption class="visually-hidden">Your databases</caption>
                    <thead><tr><th scope="col">Database</th><th scope="col">State</th><th scope="col">Plan</th><th scope="col">Users</th><th scope="col">Storage</th><th scope="col">Expires</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
                    <tbody>{Markup.Each(clients, c => Markup.Of($"""
                        <tr><td>{c.Name}</td><td>{StateBadge(c)}</td><td>{c.Plan}</td><td>{c.Users} of {Limit(c.MaxUsers, "")}</td>
                        <td>{c.StorageMegabytes} MB of {Limit(c.StorageLimitMegabytes, " MB")}</td><td>{c.Expiration ?? "never"}</td>
                        <td><a class="button" href="{TenantLoginHref(portalUrl, c.Name)}" aria-label="Open {c.Name}">Open</a></td></tr>
                        """))}</tbody></table></div>
                    """))}
            {billing}
            """);
        return Page.Render(context, "My databases", Chrome(context, user), body);
    }

    private static async Task<IResult> NewDatabaseAsync(HttpContext context, PortalDirectory portal, int? plan)
    {
        if (await CurrentUserAsync(context, portal) is not { } user)
        {
            return ToLogin(context);
        }

        return await NewDatabasePage(context, portal, user, null, plan, null);
    }

    private static async Task<IResult> NewDatabasePage(HttpContext context, PortalDirectory portal, PortalUser user, string? error, int? planId, string? name,
        int status = StatusCodes.Status200OK)
    {
        var plans = await portal.PlansAsync(context.RequestAborted);
        var body = Markup.Of($"""
            <div class="card narrow">{Page.Alert(error)}
            <form method="post" action="{MyDatabasesPath}/new">{Page.AntiforgeryField(context)}
            <label for="plan">Plan</label>
            <select id="plan" name="plan_id" required>{Markup.Each(plans, p => p.Id == (planId ?? plans[0].Id)
                ? Markup.Of($"""<option value="{p.Id}" selected>{p.Name}</option>""")
                : Markup.Of($"""<option value="{p.Id}">{p.Name}</option>"""))}</select>
            <label for="dbname">Database name</label>
            <input id="dbname" name="dbname" type="text" value="{name}" pattern="[a-z0-9][a-z0-9._\-]*" maxlength="63" aria-describedby="dbname-hint">
            <p class="hint" id="dbname-hint">Lowercase letters, digits, '.', '-' or '_' (it becomes the address, e.g. shop.localhost). Leave empty to get one generated.</p>
            <div class="actions"><button type="submit">Create database</button><a href="{MyDatabasesPath}">Cancel</a></div>
            </form></div>
            """);
        return Page.Render(context, "New database", Chrome(context, user), body, status);
    }

    private static async Task<IResult> CreateDatabaseAsync(HttpContext context, PortalDirectory portal,
        [FromForm(Name = "plan_id")] int? planId, [FromForm] string? dbname)
    {
        if (await CurrentUserAsync(context, portal) is not { } user)
        {
            return ToLogin(context);
        }

        if (planId is not { } plan)
        {
            return await NewDatabasePage(context, portal, user, "Pick a plan.", null, dbname, StatusCodes.Status400BadRequest);
        }

        try
        {
            var (database, _) = await portal.CreateDatabaseAsync(user, plan, dbname, context.RequestAborted);
            return Results.Redirect(MyDatabasesPath + "?created=" + Uri.EscapeDataString(database));
        }
        catch (OdooException e) when (e is UserErrorException or AccessErrorException or ValidationErrorException or AccessDeniedException)
        {
            return await NewDatabasePage(context, portal, user, e.Message, plan, dbname, StatusCodes.Status400BadRequest);
        }
    }

    /// <summary>"Open": the tenant's SSO start on its own host (same scheme and port as the portal); the flow signs the owner in.</summary>
    private static string TenantLoginHref(Uri portalUrl, string database) =>
        new UriBuilder(portalUrl.Scheme, database, portalUrl.Port, "/saas_client/login").Uri.AbsoluteUri;

    private static HtmlText StateBadge(ClientView client)
    {
        var (label, css) = client.Suspended ? ("suspended", "suspended") : client.Expired ? ("expired", "expired") : (client.State, client.State);
        var badge = Markup.Of($"""<span class="state {css}">{label}</span>""");
        // A staging copy says whose copy it is and when it goes, wherever its state is shown.
        return client.StagingOf is null ? badge
            : Markup.Of($"""{badge} <span class="hint">staging copy of {client.StagingOf}, deleted on {client.Expiration} UTC</span>""");
    }

    internal static string Limit(int value, string unit) => value > 0 ? value.ToString(System.Globalization.CultureInfo.InvariantCulture) + unit : "unlimited";

    internal static HtmlText Badge(ClientView client) => StateBadge(client);
}
