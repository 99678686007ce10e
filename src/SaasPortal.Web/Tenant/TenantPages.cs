using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using SaasPortal.Api.Services;
using SaasPortal.Web.Hosting;
using SaasPortal.Web.Html;
using SaasPortal.Web.Portal;
using SaasPortal.Web.Sso;
using SaasPortal.Web.Tenancy;

namespace SaasPortal.Web.Tenant;

/// <summary>
/// A tenant's pages, reached by its host or under <c>/t/&lt;db&gt;</c>: its own login form beside "Log in via SaaS
/// Portal", the home page (installed apps, users, usage), the suspended and expired pages, and the SSO landing routes.
/// </summary>
public static class TenantPages
{
    /// <summary>Odoo's own web session cookie (the JSON routes'), ended with the page session at logout.</summary>
    private const string OdooSessionCookie = "session_id";

    /// <summary>Maps the pages under <see cref="TenantResolver.InternalPrefix"/>.</summary>
    public static IEndpointRouteBuilder MapTenantPages(this IEndpointRouteBuilder endpoints)
    {
        var tenant = endpoints.MapGroup(TenantResolver.InternalPrefix);
        tenant.MapGet("/", HomeAsync);
        tenant.MapGet("/web", HomeAsync);
        tenant.MapGet("/web/login", (HttpContext context) => LoginPage(context, TenantRequest.Of(context), null, null));
        tenant.MapPost("/web/login", LoginAsync);
        tenant.MapPost("/web/logout", (Delegate)LogoutAsync);
        tenant.MapGet("/saas_client/login", StartSignOnAsync);
        tenant.MapGet("/saas_client/callback", CallbackAsync);
        tenant.MapGet("/saas_client/sso", AccessTokenAsync);
        return endpoints;
    }

    private static PageChrome Chrome(HttpContext context, TenantRequest tenant, string? userName) => new(tenant.Database, tenant.Link("/web"),
        userName is null
            ? HtmlText.Empty
            : Markup.Of($"""<span class="visually-hidden">Signed in as</span><span>{userName}</span>{Page.PostButton(context, tenant.Link("/web/logout"), "Log out")}"""));

    private static string CookiePath(TenantRequest tenant) => tenant.ByPath ? tenant.BasePath : "/";

    private static Task<SessionUser?> SessionAsync(HttpContext context, TenantRequest tenant) =>
        WebSessions.ReadAsync(context, WebSessions.TenantScheme, tenant.Database);

    private static async Task<IResult> HomeAsync(HttpContext context, TenantDirectory tenants)
    {
        var tenant = TenantRequest.Of(context);
        var ct = context.RequestAborted;
        if (await SessionAsync(context, tenant) is not { } session)
        {
            return Results.Redirect(tenant.Link("/web/login"));
        }

        var (availability, expires) = await tenants.AvailabilityAsync(tenant.Database, ct);
        if (availability != TenantAvailability.Open)
        {
            return ClosedPage(context, tenant, availability, expires);
        }

        if (await tenants.HomeAsync(tenant.Database, session.Uid, ct) is not { } home)
        {
            // The user was archived or deleted since signing in: the session ends here.
            await WebSessions.SignOutAsync(context, WebSessions.TenantScheme, CookiePath(tenant));
            return Results.Redirect(tenant.Link("/web/login"));
        }

        var body = Markup.Of($"""
            <p>Welcome, {home.UserName}.</p>
            <section class="card" aria-labelledby="usage-title"><h2 id="usage-title">Usage</h2>
            <dl class="facts">
            <dt>Users</dt><dd>{home.InternalUsers} of {PortalPages.Limit(home.MaxUsers, "")}</dd>
            <dt>Storage</dt><dd>{home.StorageMegabytes} MB of {PortalPages.Limit(home.StorageLimitMegabytes, " MB")}</dd>
            <dt>Expires</dt><dd>{(home.ExpiresUtc is { } e ? e.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC" : "never")}</dd>
            </dl></section>
            <section class="card" aria-labelledby="apps-title"><h2 id="apps-title">Installed apps</h2>
            <ul>{Markup.Each(home.Apps.OrderByDescending(a => a.Application), a => Markup.Of($"""<li>{a.Title} <span class="hint">({a.Name}{(a.Application ? ", app" : "")})</span></li>"""))}</ul></section>
            <section class="card" aria-labelledby="users-title"><h2 id="users-title">Users</h2>
            <ul>{Markup.Each(home.Users, u => Markup.Of($"""<li>{u.Name} <span class="hint">({u.Login})</span></li>"""))}</ul></section>
            """);
        return Page.Render(context, tenant.Database, Chrome(context, tenant, home.UserName), body);
    }

    private static IResult ClosedPage(HttpContext context, TenantRequest tenant, TenantAvailability availability, DateTime? expires)
    {
        var (title, message) = availability == TenantAvailability.Suspended
            ? ("This database is suspended", $"The database {tenant.Database} is suspended. Contact your provider to resume it.")
            : ("This database has expired",
                $"The database {tenant.Database} expired on {expires?.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC. Contact your provider to renew it.");
        return Page.Render(context, title, Chrome(context, tenant, null), Markup.Of($"""
            <div class="card">{Page.Alert(message)}
            <div class="actions">{Page.PostButton(context, tenant.Link("/web/logout"), "Log out")}</div></div>
            """), StatusCodes.Status403Forbidden);
    }

    private static IResult LoginPage(HttpContext context, TenantRequest tenant, string? error, string? login, int status = StatusCodes.Status200OK) =>
        Page.Render(context, "Log in to " + tenant.Database, Chrome(context, tenant, null), Markup.Of($"""
            <div class="card narrow">{Page.Alert(error)}
            <a class="button" href="{tenant.Link("/saas_client/login")}">Log in via SaaS Portal</a>
            <p class="separator">or with this database's own account</p>
            <form method="post" action="{tenant.Link("/web/login")}">{Page.AntiforgeryField(context)}
            <label for="login">Login</label><input id="login" name="login" type="text" autocomplete="username" required value="{login}">
            <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
            <div class="actions"><button type="submit" class="secondary">Log in</button></div>
            </form></div>
            """), status);

    private static async Task<IResult> LoginAsync(HttpContext context, TenantDirectory tenants, [FromForm] string? login, [FromForm] string? password)
    {
        var tenant = TenantRequest.Of(context);
        login = login?.Trim();
        int? uid;
        try
        {
            uid = string.IsNullOrEmpty(login) || string.IsNullOrEmpty(password) ? null
                : await tenants.AuthenticateAsync(tenant.Database, login, password, context.RequestAborted);
        }
        catch (ServiceException e) when (e.FaultCode == ServiceException.AccessDeniedCode)
        {
            // Too many failures from this address: the limiter refused without checking the password.
            return LoginPage(context, tenant, e.Message, login, StatusCodes.Status429TooManyRequests);
        }

        if (uid is null)
        {
            // The portal password is not this database's: its owners use "Log in via SaaS Portal" instead.
            return LoginPage(context, tenant, "Wrong login/password", login, StatusCodes.Status401Unauthorized);
        }

        await WebSessions.SignInAsync(context, WebSessions.TenantScheme, new SessionUser(tenant.Database, uid.Value, login!), CookiePath(tenant));
        return Results.Redirect(tenant.Link("/web"));
    }

    private static async Task<IResult> LogoutAsync(HttpContext context)
    {
        var tenant = TenantRequest.Of(context);
        await WebSessions.SignOutAsync(context, WebSessions.TenantScheme, CookiePath(tenant));
        context.Response.Cookies.Delete(OdooSessionCookie, new CookieOptions { Path = "/", HttpOnly = true, SameSite = SameSiteMode.Lax });
        return Results.Redirect(tenant.Link("/web/login"));
    }

    private static async Task<IResult> StartSignOnAsync(HttpContext context, TenantSignOn signOn)
    {
        var tenant = TenantRequest.Of(context);
        try
        {
            return Results.Redirect(await signOn.StartAsync(context, tenant, context.RequestAborted));
        }
        catch (SignOnRefusedException e)
        {
            return LoginPage(context, tenant, e.Message, null, StatusCodes.Status400BadRequest);
        }
    }

    private static async Task<IResult> CallbackAsync(HttpContext context, TenantSignOn signOn, string? code, string? state, string? error)
    {
        var tenant = TenantRequest.Of(context);
        try
        {
            if (error is not null)
            {
                throw new SignOnRefusedException("The portal refused the sign-in (" + error + ").");
            }

            var user = await signOn.CompleteAsync(context, tenant, code, state, context.RequestAborted);
            await WebSessions.SignInAsync(context, WebSessions.TenantScheme, user, CookiePath(tenant));
            return Results.Redirect(tenant.Link("/web"));
        }
        catch (SignOnRefusedException e)
        {
            return LoginPage(context, tenant, e.Message, null, StatusCodes.Status401Unauthorized);
        }
    }

    private static async Task<IResult> AccessTokenAsync(HttpContext context, TenantSignOn signOn, [FromQuery(Name = "access_token")] string? accessToken)
    {
        var tenant = TenantRequest.Of(context);
        try
        {
            var user = await signOn.SignInWithAccessTokenAsync(tenant, accessToken, context.RequestAborted);
            await WebSessions.SignInAsync(context, WebSessions.TenantScheme, user, CookiePath(tenant));
            // Off the URL that carries the token, so it stays out of history and bookmarks.
            return Results.Redirect(tenant.Link("/web"));
        }
        catch (SignOnRefusedException e)
        {
            return LoginPage(context, tenant, e.Message, null, StatusCodes.Status401Unauthorized);
        }
    }
}
