using Microsoft.AspNetCore.Http;
using SaasPortal.Saas.Domains;
using SaasPortal.Storage.Databases;

namespace SaasPortal.Web.Tenancy;

/// <summary>
/// Sends a request to the tenant pages when its host names a tenant database (<c>client-1.localhost</c>) or one of
/// its verified custom domains (<c>erp.example.com</c>), or its path
/// starts with <c>/t/&lt;db&gt;/</c>, by rewriting the path under <see cref="InternalPrefix"/>, where the tenant
/// pages are mapped. Everything else (the portal's pages, RPC on any host) passes unchanged. The internal prefix is
/// unreachable from outside, so a request cannot pick its tenant but through the host or the public prefix.
/// </summary>
public sealed class TenantResolver(RequestDelegate next, DatabaseManager databases, DomainDirectory domains, WebOptions options)
{
    /// <summary>Where the tenant pages are mapped.</summary>
    public const string InternalPrefix = "/_tenant";

    /// <summary>The public prefix for hosts without DNS.</summary>
    public const string PathPrefix = "/t";

    // Paths of the tenant pages on a tenant's own host; the RPC routes and the stylesheet stay shared.
    private static readonly HashSet<string> TenantPaths = new(StringComparer.Ordinal)
    {
        "/", "/web", "/web/login", "/web/logout", "/saas_client/sso", "/saas_client/login", "/saas_client/callback",
    };

    /// <summary>The middleware step.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path.StartsWith(InternalPrefix, StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (path.StartsWith(PathPrefix + "/", StringComparison.Ordinal))
        {
            var rest = path[(PathPrefix.Length + 1)..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            var database = slash < 0 ? rest : rest[..slash];
            var tail = slash < 0 ? "/" : rest[slash..];
            if (!await IsTenantAsync(database, context.RequestAborted) || !TenantPaths.Contains(tail))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            Route(context, new TenantRequest(database, PathPrefix + "/" + database), tail);
        }
        else if (TenantPaths.Contains(path) && await TenantOfHostAsync(context.Request.Host.Host.ToLowerInvariant(), context.RequestAborted) is { } database)
        {
            Route(context, new TenantRequest(database, string.Empty), path);
        }
        else if (TenantPaths.Contains(path) && await domains.IsPendingAsync(context.Request.Host.Host.ToLowerInvariant(), context.RequestAborted))
        {
            // A customer's host that is not verified must not show the portal's pages as if they were its own.
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsync("This domain is not verified yet: its owner verifies it on the portal.", context.RequestAborted);
            return;
        }

        await next(context);
    }

    private static void Route(HttpContext context, TenantRequest tenant, string path)
    {
        tenant.Attach(context);
        context.Request.Path = InternalPrefix + path;
    }

    // The host is a verified custom domain (erp.example.com) or the database's own name (client-1.localhost). The
    // domain wins, as it does for RPC's db, so a host never means one tenant's pages and another tenant's data.
    private async Task<string?> TenantOfHostAsync(string host, CancellationToken cancellationToken) =>
        await domains.DatabaseOfAsync(host, cancellationToken) is { } database && await IsTenantAsync(database, cancellationToken) ? database
        : await IsTenantAsync(host, cancellationToken) ? host
        : null;

    private async Task<bool> IsTenantAsync(string database, CancellationToken cancellationToken) =>
        DatabaseName.IsValid(database)
        && !string.Equals(database, options.PortalDatabase, StringComparison.Ordinal)
        && await databases.ExistsAsync(database, cancellationToken);
}
