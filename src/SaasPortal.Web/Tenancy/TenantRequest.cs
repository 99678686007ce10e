using Microsoft.AspNetCore.Http;

namespace SaasPortal.Web.Tenancy;

/// <summary>
/// A request for a tenant's pages: the database, and the path under which the browser reaches them — empty when the
/// host is the database (<c>client-1.localhost</c>), <c>/t/&lt;db&gt;</c> on hosts without DNS.
/// </summary>
public sealed record TenantRequest(string Database, string BasePath)
{
    private static readonly object Key = new();

    /// <summary>A link to a tenant page, as the browser sees it.</summary>
    public string Link(string path) => BasePath + path;

    /// <summary>Whether the tenant was reached through the <c>/t/&lt;db&gt;</c> prefix.</summary>
    public bool ByPath => BasePath.Length > 0;

    internal void Attach(HttpContext context) => context.Items[Key] = this;

    /// <summary>The tenant of a request that <see cref="TenantResolver"/> routed to the tenant pages.</summary>
    public static TenantRequest Of(HttpContext context) =>
        context.Items.TryGetValue(Key, out var value) && value is TenantRequest tenant
            ? tenant
            : throw new InvalidOperationException("Not a tenant request: tenant pages are reached only through TenantResolver.");
}
