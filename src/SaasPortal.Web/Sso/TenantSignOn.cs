using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using SaasPortal.Orm;
using SaasPortal.Orm.Service;
using SaasPortal.Saas.Portal;
using SaasPortal.Saas.Provisioning;
using SaasPortal.Web.Hosting;
using SaasPortal.Web.Portal;
using SaasPortal.Web.Tenancy;
using SaasPortal.Web.Tenant;

namespace SaasPortal.Web.Sso;

/// <summary>Single sign-on refused, with the reason the page shows.</summary>
public sealed class SignOnRefusedException(string message) : Exception(message);

/// <summary>
/// The tenant's side of single sign-on ("Log in via SaaS Portal"): starts the code flow with a fresh state and PKCE
/// verifier kept in a short-lived encrypted cookie, completes it on the callback, and turns a portal access token
/// into a session of the tenant's owner — the only tenant user linked to a portal user. A token is accepted only
/// when it was issued for this tenant's client id and has not expired.
/// </summary>
public sealed class TenantSignOn(
    IDataProtectionProvider protection, AuthorizationServer server, TenantDirectory tenants, OrmService orm, PortalDirectory portal, AccessTokens tokens)
{
    /// <summary>The cookie holding the flow's state and verifier between the redirect and the callback.</summary>
    public const string FlowCookie = "saasportal_sso_flow";

    private static readonly TimeSpan FlowLifetime = TimeSpan.FromMinutes(10);

    private readonly ITimeLimitedDataProtector _flows = protection.CreateProtector("SaasPortal.Sso.TenantFlow.v1").ToTimeLimitedDataProtector();

    /// <summary>Starts the flow: remembers state and verifier, and returns the portal's authorization URL to redirect to.</summary>
    public async Task<string> StartAsync(HttpContext context, TenantRequest tenant, CancellationToken cancellationToken)
    {
        var identity = await tenants.IdentityAsync(tenant.Database, cancellationToken);
        if (identity.ClientId is not { Length: > 0 } clientId)
        {
            throw new SignOnRefusedException("This database is not connected to a SaaS portal.");
        }

        var verifier = Pkce.NewVerifier();
        var state = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var redirectUri = await server.RedirectUriAsync(tenant, cancellationToken);
        var flow = new Flow(tenant.Database, state, verifier);
        context.Response.Cookies.Append(FlowCookie, _flows.Protect(JsonSerializer.Serialize(flow), FlowLifetime), FlowCookieOptions(context, tenant));
        var portalUrl = await server.PortalUrlAsync(cancellationToken);
        return portalUrl + "/oauth2/auth?response_type=code"
            + "&client_id=" + Uri.EscapeDataString(clientId)
            + "&redirect_uri=" + Uri.EscapeDataString(redirectUri)
            + "&code_challenge=" + Pkce.Challenge(verifier) + "&code_challenge_method=S256"
            + "&state=" + state;
    }

    /// <summary>Completes the flow on the callback: checks the state, redeems the code with the verifier, signs the owner in.</summary>
    public async Task<SessionUser> CompleteAsync(HttpContext context, TenantRequest tenant, string? code, string? state, CancellationToken cancellationToken)
    {
        var flow = ReadFlow(context);
        context.Response.Cookies.Delete(FlowCookie, FlowCookieOptions(context, tenant));
        if (flow is null || !string.Equals(flow.Database, tenant.Database, StringComparison.Ordinal) || state is null
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(flow.State), Encoding.ASCII.GetBytes(state)))
        {
            throw new SignOnRefusedException("The sign-in did not start here or took too long. Try \"Log in via SaaS Portal\" again.");
        }

        var identity = await tenants.IdentityAsync(tenant.Database, cancellationToken);
        var redirectUri = await server.RedirectUriAsync(tenant, cancellationToken);
        var issued = await server.RedeemAsync(code, identity.ClientId, redirectUri, flow.Verifier, cancellationToken)
            ?? throw new SignOnRefusedException("The portal's authorization code is invalid, expired or already used.");
        return await SignInWithAccessTokenAsync(tenant, issued.AccessToken, cancellationToken);
    }

    /// <summary>The owner's session for a valid access token of this tenant (the <c>url</c> that create_new_database returns).</summary>
    public async Task<SessionUser> SignInWithAccessTokenAsync(TenantRequest tenant, string? accessToken, CancellationToken cancellationToken)
    {
        var identity = await tenants.IdentityAsync(tenant.Database, cancellationToken);
        if (identity.ClientId is not { Length: > 0 } clientId)
        {
            throw new SignOnRefusedException("This database is not connected to a SaaS portal.");
        }

        var secret = await orm.RunAsync(portal.Database, OrmEnvironment.SuperuserId, write: false,
            env => PortalSecret.GetAsync(env, cancellationToken), cancellationToken);
        var claims = tokens.Validate(secret, accessToken, clientId);
        if (claims is null || !string.Equals(claims.Database, tenant.Database, StringComparison.Ordinal))
        {
            throw new SignOnRefusedException("The access token is invalid, has expired or was issued for another database.");
        }

        if (identity.OwnerUid is not { } owner || identity.OwnerPortalUserId != claims.PortalUserId)
        {
            throw new SignOnRefusedException("Your portal account does not own this database.");
        }

        var login = await tenants.ActiveLoginAsync(tenant.Database, owner, cancellationToken)
            ?? throw new SignOnRefusedException("The owner's user of this database is archived.");
        return new SessionUser(tenant.Database, owner, login);
    }

    private Flow? ReadFlow(HttpContext context)
    {
        if (!context.Request.Cookies.TryGetValue(FlowCookie, out var value) || string.IsNullOrEmpty(value) || value.Length > 4096)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Flow>(_flows.Unprotect(value));
        }
        catch (Exception e) when (e is CryptographicException or JsonException)
        {
            return null;
        }
    }

    private static CookieOptions FlowCookieOptions(HttpContext context, TenantRequest tenant) => new()
    {
        HttpOnly = true,
        Secure = context.Request.IsHttps,
        // Lax: the callback is a top-level navigation coming back from the portal, which Strict would strip.
        SameSite = SameSiteMode.Lax,
        Path = tenant.Link("/saas_client"),
        MaxAge = FlowLifetime,
    };

    private sealed record Flow(string Database, string State, string Verifier);
}
