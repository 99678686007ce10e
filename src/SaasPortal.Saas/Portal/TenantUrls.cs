using SaasPortal.Orm;

namespace SaasPortal.Saas.Portal;

/// <summary>
/// Where the portal and its tenants are reached. The portal's own address is Odoo's <c>web.base.url</c> parameter;
/// a tenant's host is its database name on the same scheme and port, as the original tools did.
/// </summary>
public static class TenantUrls
{
    /// <summary>The portal's base URL without a trailing slash.</summary>
    public static async Task<string> PortalUrlAsync(OrmEnvironment portal, CancellationToken cancellationToken) =>
        (await ConfigParameters.GetAsync(portal, "web.base.url", cancellationToken) ?? "http://localhost:8069").TrimEnd('/');

    /// <summary>The base URL of tenant <paramref name="database"/>.</summary>
    public static async Task<string> BaseUrlAsync(OrmEnvironment portal, string database, CancellationToken cancellationToken)
    {
        var portalUrl = new Uri(await PortalUrlAsync(portal, cancellationToken));
        var builder = new UriBuilder(portalUrl.Scheme, database, portalUrl.Port);
        return builder.Uri.GetLeftPart(UriPartial.Authority);
    }
}
