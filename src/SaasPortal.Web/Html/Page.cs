using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace SaasPortal.Web.Html;

/// <summary>The frame around a page: the site name linking home and the navigation of whoever is signed in.</summary>
public sealed record PageChrome(string Brand, string HomeHref, HtmlText Navigation);

/// <summary>Renders whole pages and the pieces every form needs.</summary>
public static class Page
{
    /// <summary>Where the stylesheet is served, on the portal and on every tenant host.</summary>
    public const string StylesheetPath = "/saasportal.css";

    /// <summary>A complete HTML document with security headers that forbid scripts, framing and referrer leaks.</summary>
    public static IResult Render(HttpContext context, string title, PageChrome chrome, HtmlText body, int statusCode = StatusCodes.Status200OK)
    {
        var headers = context.Response.Headers;
        // No scripts at all; forms post to the page's own origin (redirects then carry the browser onwards).
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        // Access tokens and codes travel in query strings: never hand them to another site as a referrer.
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        var document = Markup.Of($"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{title} · {chrome.Brand}</title>
            <link rel="stylesheet" href="{StylesheetPath}">
            </head>
            <body>
            <header class="bar">
            <a class="brand" href="{chrome.HomeHref}">{chrome.Brand}</a>
            <nav aria-label="Main">{chrome.Navigation}</nav>
            </header>
            <main>
            <h1>{title}</h1>
            {body}
            </main>
            </body>
            </html>
            """);
        return Results.Text(document.Value, "text/html; charset=utf-8", Encoding.UTF8, statusCode);
    }

    /// <summary>The hidden antiforgery field every form carries; a POST without it is refused before its handler runs.</summary>
    public static HtmlText AntiforgeryField(HttpContext context)
    {
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        return Markup.Of($"""<input type="hidden" name="{tokens.FormFieldName}" value="{tokens.RequestToken}">""");
    }

    /// <summary>A message box; nothing when there is no message.</summary>
    public static HtmlText Alert(string? message, bool error = true) =>
        string.IsNullOrEmpty(message)
            ? HtmlText.Empty
            : Markup.Of($"""<p class="alert {(error ? "error" : "info")}" role="{(error ? "alert" : "status")}">{message}</p>""");

    /// <summary>A POST button in its own small form (log out, suspend, …).</summary>
    public static HtmlText PostButton(HttpContext context, string action, string label, string cssClass = "secondary") =>
        Markup.Of($"""<form method="post" action="{action}">{AntiforgeryField(context)}<button type="submit" class="{cssClass}">{label}</button></form>""");
}
