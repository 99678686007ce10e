using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using SaasPortal.Orm;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Service;
using SaasPortal.Saas;
using SaasPortal.Saas.Portal;
using SaasPortal.Saas.Provisioning;
using SaasPortal.Web.Portal;
using SaasPortal.Web.Tenancy;

namespace SaasPortal.Web.Sso;

/// <summary>A tenant registered as an OAuth client: its UUID (client_id), database and the redirect URIs it may use.</summary>
public sealed record RegisteredClient(string ClientId, string Database, int? PartnerId, IReadOnlyList<string> RedirectUris);

/// <summary>What a redeemed authorization code grants.</summary>
public sealed record IssuedToken(string AccessToken, string Database, int PortalUserId, TimeSpan ExpiresIn);

/// <summary>
/// The portal as OAuth 2.0 authorization server for its tenants: authorization code flow with PKCE (S256), codes
/// good for two minutes and once, access tokens good for one hour and for one tenant. Clients are the portal's
/// client records (no registration on the fly, unlike the original tools); their redirect URIs are derived from the
/// portal's public URL and matched exactly, so a code never goes anywhere but back to its own tenant.
/// </summary>
/// <remarks>
/// Codes are sealed with Data Protection (keys shared through the data directory), so any node redeems a code another
/// issued. A redeemed code's id is recorded in the portal database (<c>saas_portal.sso_code</c>, unique), so it
/// redeems once across every node sharing the portal.
/// </remarks>
public sealed class AuthorizationServer(IDataProtectionProvider protection, OrmService orm, PortalDirectory portal, AccessTokens tokens, TimeProvider time)
{
    /// <summary>How long a code may wait for its exchange.</summary>
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(2);

    /// <summary>Path of the tenant's redirect URI, under its base URL.</summary>
    public const string CallbackPath = "/saas_client/callback";

    private const string RedeemedCodes = "saas_portal.sso_code";

    private readonly ITimeLimitedDataProtector _codes = protection.CreateProtector("SaasPortal.Sso.AuthorizationCode.v1").ToTimeLimitedDataProtector();

    /// <summary>The client with this UUID and its registered redirect URIs; null when unknown or deleted.</summary>
    public async Task<RegisteredClient?> FindClientAsync(string? clientId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(clientId) || !Guid.TryParse(clientId, out _) || await portal.ClientByUuidAsync(clientId, cancellationToken) is not { } client)
        {
            return null;
        }

        var (tenantBase, portalBase) = await BaseUrlsAsync(client.Name, cancellationToken);
        var partner = await orm.RunAsync(portal.Database, OrmEnvironment.SuperuserId, write: false, async env =>
            Wire.Many2oneId(await env["saas_portal.client"].Browse(client.Id).GetAsync("partner_id", cancellationToken)), cancellationToken);
        return new RegisteredClient(client.ClientId, client.Name, partner,
            [tenantBase + CallbackPath, portalBase + TenantResolver.PathPrefix + "/" + client.Name + CallbackPath]);
    }

    /// <summary>The redirect URI a tenant uses: on its own host, or under the portal's /t/ prefix.</summary>
    public async Task<string> RedirectUriAsync(TenantRequest tenant, CancellationToken cancellationToken)
    {
        var (tenantBase, portalBase) = await BaseUrlsAsync(tenant.Database, cancellationToken);
        return (tenant.ByPath ? portalBase + tenant.BasePath : tenantBase) + CallbackPath;
    }

    /// <summary>The portal's public base URL.</summary>
    public Task<string> PortalUrlAsync(CancellationToken cancellationToken) =>
        orm.RunAsync(portal.Database, OrmEnvironment.SuperuserId, write: false, env => TenantUrls.PortalUrlAsync(env, cancellationToken), cancellationToken);

    /// <summary>A code for <paramref name="portalUserId"/> to open <paramref name="client"/>, bound to the redirect URI and PKCE challenge.</summary>
    public string IssueCode(RegisteredClient client, string redirectUri, string codeChallenge, int portalUserId)
    {
        var grant = new CodeGrant(Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), client.ClientId, client.Database, portalUserId, redirectUri, codeChallenge);
        return _codes.Protect(JsonSerializer.Serialize(grant), CodeLifetime);
    }

    /// <summary>
    /// Exchanges a code for an access token (the token endpoint's work). Null when the code is forged, expired, used,
    /// for another client or redirect URI, or when the verifier does not answer its challenge.
    /// </summary>
    public async Task<IssuedToken?> RedeemAsync(string? code, string? clientId, string? redirectUri, string? codeVerifier, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(code) || code.Length > 4096 || clientId is null || redirectUri is null)
        {
            return null;
        }

        CodeGrant? grant;
        try
        {
            grant = JsonSerializer.Deserialize<CodeGrant>(_codes.Unprotect(code));
        }
        catch (Exception e) when (e is CryptographicException or JsonException)
        {
            return null;
        }

        if (grant is null
            || !string.Equals(grant.ClientId, clientId, StringComparison.Ordinal)
            || !string.Equals(grant.RedirectUri, redirectUri, StringComparison.Ordinal)
            || !Pkce.Verify(codeVerifier, grant.Challenge))
        {
            return null;
        }

        if (!await MarkRedeemedAsync(grant.Jti, cancellationToken))
        {
            return null;
        }

        // The client must still exist: a database deleted between the code and its exchange opens nothing.
        if (await FindClientAsync(grant.ClientId, cancellationToken) is not { } client || !string.Equals(client.Database, grant.Database, StringComparison.Ordinal))
        {
            return null;
        }

        var secret = await orm.RunAsync(portal.Database, OrmEnvironment.SuperuserId, write: false,
            env => PortalSecret.GetAsync(env, cancellationToken), cancellationToken);
        return new IssuedToken(tokens.Issue(secret, grant.Database, grant.ClientId, grant.PortalUserId), grant.Database, grant.PortalUserId, AccessTokens.Lifetime);
    }

    /// <summary>Records the code id as redeemed; false when it was already (on any node). Forgets ids older than a code's life.</summary>
    private async Task<bool> MarkRedeemedAsync(string jti, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        try
        {
            return await orm.RunAsync(portal.Database, OrmEnvironment.SuperuserId, write: true, async env =>
            {
                var codes = env.Sudo()[RedeemedCodes];
                var expired = await codes.SearchAsync(Wire.Domain(("redeemed_datetime", "<", Format(now - CodeLifetime))), cancellationToken);
                if (expired.Count > 0)
                {
                    await expired.UnlinkAsync(cancellationToken);
                }

                if (await codes.SearchCountAsync(Wire.Domain(("name", "=", jti)), cancellationToken) > 0)
                {
                    return false;
                }

                await codes.CreateAsync(Wire.Values(("name", jti), ("redeemed_datetime", Format(now))), cancellationToken);
                return true;
            }, cancellationToken);
        }
        catch (ValidationErrorException)
        {
            // Two nodes redeeming the same code at the same moment: the unique index lets only one of them through.
            return false;
        }
    }

    private static string Format(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private Task<(string Tenant, string Portal)> BaseUrlsAsync(string database, CancellationToken cancellationToken) =>
        orm.RunAsync(portal.Database, OrmEnvironment.SuperuserId, write: false, async env =>
            (await TenantUrls.BaseUrlAsync(env, database, cancellationToken), await TenantUrls.PortalUrlAsync(env, cancellationToken)), cancellationToken);

    private sealed record CodeGrant(string Jti, string ClientId, string Database, int PortalUserId, string RedirectUri, string Challenge);
}
