using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using SaasPortal.Orm.Errors;
using SaasPortal.Saas.Mail;
using SaasPortal.Web.Html;

namespace SaasPortal.Web.Portal;

/// <summary>
/// The portal's "forgot password" pages: ask for a link by login, then set a new password from the link. The request
/// page answers the same whatever was typed, so it cannot tell whether an account exists; the rules (one-use
/// expiring link, hourly limit per login) live in <see cref="PasswordResets"/>.
/// </summary>
public static class PasswordResetPages
{
    /// <summary>The request page.</summary>
    public const string RequestPath = "/web/reset_password";

    private const string Sent = "If an account exists for this login, a link to choose a new password is on its way to its e-mail address.";

    /// <summary>Maps the pages.</summary>
    public static IEndpointRouteBuilder MapPasswordResetPages(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(RequestPath, (HttpContext context) => RequestPage(context, null, null));
        endpoints.MapPost(RequestPath, RequestAsync);
        endpoints.MapGet(PasswordResets.ConfirmPath, ConfirmPageAsync);
        endpoints.MapPost(PasswordResets.ConfirmPath, ConfirmAsync);
        return endpoints;
    }

    private static IResult RequestPage(HttpContext context, string? notice, string? login, int status = StatusCodes.Status200OK) =>
        Page.Render(context, "Reset your password", PortalPages.Chrome(context, null), Markup.Of($"""
            <div class="card narrow">{Page.Alert(notice, error: false)}
            <form method="post" action="{RequestPath}">{Page.AntiforgeryField(context)}
            <label for="login">E-mail or login</label><input id="login" name="login" type="text" autocomplete="username" required value="{login}">
            <div class="actions"><button type="submit">Send me a link</button><a href="/web/login">Back to log in</a></div>
            </form></div>
            """), status);

    private static async Task<IResult> RequestAsync(HttpContext context, PasswordResets resets, [FromForm] string? login)
    {
        if (!string.IsNullOrWhiteSpace(login) && login.Length <= 256)
        {
            await resets.RequestAsync(login, context.RequestAborted);
        }

        return RequestPage(context, Sent, null);
    }

    private static async Task<IResult> ConfirmPageAsync(HttpContext context, PasswordResets resets, string? token)
    {
        var target = await resets.ValidateAsync(token, context.RequestAborted);
        return target is null ? Invalid(context) : ConfirmPage(context, token!, target.Login, null);
    }

    private static IResult ConfirmPage(HttpContext context, string token, string login, string? error, int status = StatusCodes.Status200OK) =>
        Page.Render(context, "Choose a new password", PortalPages.Chrome(context, null), Markup.Of($"""
            <div class="card narrow">{Page.Alert(error)}
            <form method="post" action="{PasswordResets.ConfirmPath}">{Page.AntiforgeryField(context)}
            <input type="hidden" name="token" value="{token}">
            <p>New password for <strong>{login}</strong>.</p>
            <label for="password">New password</label><input id="password" name="password" type="password" autocomplete="new-password" required minlength="{PasswordResets.MinimumPasswordLength}">
            <label for="confirm_password">Confirm password</label><input id="confirm_password" name="confirm_password" type="password" autocomplete="new-password" required>
            <div class="actions"><button type="submit">Set password</button></div>
            </form></div>
            """), status);

    private static async Task<IResult> ConfirmAsync(HttpContext context, PasswordResets resets,
        [FromForm] string? token, [FromForm] string? password, [FromForm(Name = "confirm_password")] string? confirm)
    {
        if (await resets.ValidateAsync(token, context.RequestAborted) is not { } target)
        {
            return Invalid(context);
        }

        if (string.IsNullOrEmpty(password) || !string.Equals(password, confirm, StringComparison.Ordinal))
        {
            return ConfirmPage(context, token!, target.Login, "The passwords do not match.", StatusCodes.Status400BadRequest);
        }

        try
        {
            await resets.ResetAsync(token, password, context.RequestAborted);
        }
        catch (UserErrorException e)
        {
            return ConfirmPage(context, token!, target.Login, e.Message, StatusCodes.Status400BadRequest);
        }

        // Signing in stays an explicit step: the login form (and its failed-login limiter) is the one way in.
        return Results.Redirect("/web/login?reset=1");
    }

    private static IResult Invalid(HttpContext context) =>
        Page.Render(context, "Reset your password", PortalPages.Chrome(context, null), Markup.Of($"""
            <div class="card narrow">{Page.Alert("This link is invalid, expired or already used.")}
            <p><a href="{RequestPath}">Ask for a new link</a></p></div>
            """), StatusCodes.Status400BadRequest);
}
