using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SaasPortal.Web.Billing;
using SaasPortal.Web.Console;
using SaasPortal.Web.Domains;
using SaasPortal.Web.Html;
using SaasPortal.Web.Portal;
using SaasPortal.Web.Sso;
using SaasPortal.Web.Tenancy;
using SaasPortal.Web.Tenant;

namespace SaasPortal.Web.Hosting;

/// <summary>Registers, orders and maps the web pages. The host must already have Data Protection set up with keys shared by every node.</summary>
public static class WebRegistration
{
    /// <summary>Cookie of the antiforgery token pair.</summary>
    public const string AntiforgeryCookie = "saasportal_csrf";

    /// <summary>Registers the pages' services, the two session schemes and antiforgery.</summary>
    public static IServiceCollection AddSaasPortalWeb(this IServiceCollection services, WebOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.AddSingleton<PortalDirectory>();
        services.AddSingleton<TenantDirectory>();
        services.AddSingleton<AuthorizationServer>();
        services.AddSingleton<TenantSignOn>();
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = AntiforgeryCookie;
            antiforgery.Cookie.HttpOnly = true;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddAuthentication()
            .AddCookie(WebSessions.PortalScheme, cookie => Configure(cookie, "saasportal_portal", options))
            .AddCookie(WebSessions.TenantScheme, cookie => Configure(cookie, "saasportal_tenant", options));
        return services;
    }

    /// <summary>
    /// Puts tenant resolution before routing (it decides which pages a request reaches) and antiforgery after it.
    /// Call before mapping any endpoint.
    /// </summary>
    public static IApplicationBuilder UseSaasPortalWeb(this IApplicationBuilder app)
    {
        app.UseMiddleware<TenantResolver>();
        app.UseRouting();
        app.UseAntiforgery();
        return app;
    }

    /// <summary>Maps the stylesheet, the portal's pages and console, the OAuth endpoints and the tenant pages.</summary>
    public static IEndpointRouteBuilder MapSaasPortalWeb(this IEndpointRouteBuilder endpoints)
    {
        var css = Stylesheet.Load();
        endpoints.MapGet(Page.StylesheetPath, (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Text(css, "text/css; charset=utf-8");
        });

        // Every form post of a page proves it came from one of our pages; the token endpoint is mapped outside.
        var pages = endpoints.MapGroup(string.Empty).AddEndpointFilter(RequireAntiforgeryOnPostAsync);
        pages.MapPortalPages();
        pages.MapPasswordResetPages();
        pages.MapConsolePages();
        pages.MapBillingPages();
        pages.MapTenantPages();
        endpoints.MapSsoEndpoints();
        endpoints.MapDomainVerification();
        endpoints.MapBillingEndpoints();
        return endpoints;
    }

    private static async ValueTask<object?> RequireAntiforgeryOnPostAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
            && !await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context))
        {
            return Results.Text("The form expired or did not come from this site. Go back, reload the page and try again.",
                "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
        }

        return await next(invocation);
    }

    private static void Configure(CookieAuthenticationOptions cookie, string name, WebOptions options)
    {
        cookie.Cookie.Name = name;
        cookie.Cookie.HttpOnly = true;
        // Lax: the SSO callback and "Open" links arrive as top-level navigations from the portal's host.
        cookie.Cookie.SameSite = SameSiteMode.Lax;
        // Secure whenever the request came over HTTPS (behind a TLS proxy, forward the scheme to the host).
        cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        cookie.ExpireTimeSpan = options.SessionLifetime;
        // Renewal would re-issue the cookie on the default path, outside a /t/<db> tenant's scope.
        cookie.SlidingExpiration = false;
        cookie.Events.OnSigningIn = context =>
        {
            context.CookieOptions.Path = context.HttpContext.Items[WebSessions.CookiePathItem] as string ?? "/";
            return Task.CompletedTask;
        };
        cookie.Events.OnSigningOut = context =>
        {
            context.CookieOptions.Path = context.HttpContext.Items[WebSessions.CookiePathItem] as string ?? "/";
            return Task.CompletedTask;
        };
        // Pages decide themselves where an anonymous visitor goes; the handler never redirects on its own.
        cookie.Events.OnRedirectToLogin = context =>
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        };
    }
}

/// <summary>The embedded stylesheet.</summary>
internal static class Stylesheet
{
    public static string Load()
    {
        using var stream = typeof(Stylesheet).Assembly.GetManifestResourceStream("SaasPortal.Web.site.css")
            ?? throw new InvalidOperationException("The stylesheet is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
