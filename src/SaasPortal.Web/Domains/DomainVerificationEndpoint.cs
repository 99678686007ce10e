using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SaasPortal.Orm;
using SaasPortal.Orm.Service;
using SaasPortal.Saas.Domains;

namespace SaasPortal.Web.Domains;

/// <summary>
/// Serves <c>GET /.well-known/saasportal-verification/&lt;token&gt;</c> on any host: the token itself when a claim
/// on the request's host carries it, 404 otherwise. A customer who points a host name at the portal has thereby
/// published the proof the portal's HTTP check fetches; nothing else is revealed (the token is in the URL already).
/// </summary>
public static class DomainVerificationEndpoint
{
    /// <summary>Maps the route.</summary>
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
        return endpoints;
    }
}
