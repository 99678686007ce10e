using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SaasPortal.Orm;
using SaasPortal.Orm.Service;
using SaasPortal.Saas.Domains;

namespace SaasPortal.Web.Domains;

/// <summary>
/// Serves <c>GET /.well-known/saasportal-verification/&lt;token&gt;</c> on any host: the token itself when a claim on
/// the request's host carries it, 404 otherwise. A customer who points a host name at the portal has thereby
/// published the proof the portal's HTTP check fetches; nothing else is revealed (the token is in the URL already).
/// Also the TLS proxy's <see cref="TlsAskPath"/>.
/// </summary>
public static class DomainVerificationEndpoint
{
    /// <summary>Where a TLS proxy asks whether it may get a certificate for <c>?domain=</c>.</summary>
    public const string TlsAskPath = "/saasportal/tls-ask";

    /// <summary>Maps both routes.</summary>
    public static IEndpointRouteBuilder MapDomainVerification(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(DomainProof.WellKnownPath + "{token}", async (string token, HttpContext context, OrmService orm, WebOptions options) =>
        {
            var host = HostName.FromHostHeader(context.Request.Host.Value);
            var ct = context.RequestAborted;
            var claimed = host is not null && await orm.RunAsync(options.PortalDatabase, OrmEnvironment.SuperuserId, write: false,
                env => DomainOperations.IsClaimAsync(env, host, token, ct), ct);
            context.Response.Headers.CacheControl = "no-store";
            return claimed ? Results.Text(token, "text/plain; charset=utf-8") : Results.NotFound();
        });

        // The "ask" URL of a proxy that issues certificates on demand (Caddy's on_demand_tls): 200 only for names
        // this portal serves under a customer's own domain, so nobody can make the proxy request certificates for
        // arbitrary names pointed at it, or for names still waiting for verification.
        endpoints.MapGet(TlsAskPath, async (string? domain, DomainDirectory domains, HttpContext context) =>
        {
            var host = HostName.FromHostHeader(domain);
            context.Response.Headers.CacheControl = "no-store";
            return host is not null && await domains.DatabaseOfAsync(host, context.RequestAborted) is not null
                ? Results.Text("ok", "text/plain; charset=utf-8")
                : Results.NotFound();
        });
        return endpoints;
    }
}
