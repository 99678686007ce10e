using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using SaasPortal.Web.Html;
using SaasPortal.Web.Portal;

namespace SaasPortal.Web.Sso;

/// <summary>The portal's OAuth 2.0 endpoints: <c>/oauth2/auth</c> (authorization, in the browser) and <c>/oauth2/token</c> (code exchange).</summary>
public static class SsoEndpoints
{
    private const int MaxStateLength = 512;

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapSsoEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/oauth2/auth", AuthorizeAsync);
        // A machine-to-machine form post authenticated by the code and its verifier, not by a browser session: no antiforgery.
        endpoints.MapPost("/oauth2/token", TokenAsync).DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext context, PortalDirectory portal, AuthorizationServer server,
        [FromQuery(Name = "response_type")] string? responseType, [FromQuery(Name = "client_id")] string? clientId,
        [FromQuery(Name = "redirect_uri")] string? redirectUri, [FromQuery(Name = "code_challenge")] string? codeChallenge,
        [FromQuery(Name = "code_challenge_method")] string? codeChallengeMethod, string? state)
    {
        var ct = context.RequestAborted;
        var client = await server.FindClientAsync(clientId, ct);
        // Until the client and its redirect URI are known good, errors are shown here: redirecting to an unchecked URI
        // is the open redirect the original tools had.
        if (client is null)
        {
            return Refused(context, "Unknown client: no database of this portal has this client id.");
        }

        if (redirectUri is null || !client.RedirectUris.Contains(redirectUri, StringComparer.Ordinal))
        {
            return Refused(context, "The redirect URI is not registered for this database.");
        }

        if (state is { Length: > MaxStateLength })
        {
            return Refused(context, "The state parameter is too long.");
        }

        if (!string.Equals(responseType, "code", StringComparison.Ordinal))
        {
            return Results.Redirect(WithQuery(redirectUri, ("error", "unsupported_response_type"), ("state", state)));
        }

        if (!string.Equals(codeChallengeMethod, "S256", StringComparison.Ordinal) || !Pkce.IsWellFormedChallenge(codeChallenge))
        {
            return Results.Redirect(WithQuery(redirectUri, ("error", "invalid_request"), ("error_description", "PKCE with S256 is required"), ("state", state)));
        }

        if (await PortalPages.CurrentUserAsync(context, portal) is not { } user)
        {
            return PortalPages.ToLogin(context);
        }

        if (client.PartnerId != user.PartnerId)
        {
            return Refused(context, "This database belongs to another account. Log out and sign in with the account that owns it.", user);
        }

        var code = server.IssueCode(client, redirectUri, codeChallenge!, user.Uid);
        return Results.Redirect(WithQuery(redirectUri, ("code", code), ("state", state)));
    }

    private static async Task<IResult> TokenAsync(HttpContext context, AuthorizationServer server,
        [FromForm(Name = "grant_type")] string? grantType, [FromForm] string? code, [FromForm(Name = "redirect_uri")] string? redirectUri,
        [FromForm(Name = "client_id")] string? clientId, [FromForm(Name = "code_verifier")] string? codeVerifier)
    {
        context.Response.Headers.CacheControl = "no-store";
        if (!string.Equals(grantType, "authorization_code", StringComparison.Ordinal))
        {
            return Results.Json(new Dictionary<string, string> { ["error"] = "unsupported_grant_type" }, statusCode: StatusCodes.Status400BadRequest);
        }

        var issued = await server.RedeemAsync(code, clientId, redirectUri, codeVerifier, context.RequestAborted);
        return issued is null
            ? Results.Json(new Dictionary<string, string> { ["error"] = "invalid_grant" }, statusCode: StatusCodes.Status400BadRequest)
            : Results.Json(new Dictionary<string, object>
            {
                ["access_token"] = issued.AccessToken,
                ["token_type"] = "Bearer",
                ["expires_in"] = (int)issued.ExpiresIn.TotalSeconds,
            });
    }

    private static IResult Refused(HttpContext context, string message, PortalUser? user = null) =>
        Page.Render(context, "Sign-in refused", PortalPages.Chrome(context, user), Page.Alert(message), StatusCodes.Status400BadRequest);

    private static string WithQuery(string uri, params (string Key, string? Value)[] parameters) =>
        uri + (uri.Contains('?', StringComparison.Ordinal) ? "&" : "?")
            + string.Join("&", parameters.Where(p => p.Value is not null).Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value!)));
}
