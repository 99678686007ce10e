using SaasPortal.Orm;
using SaasPortal.Saas.Portal;

namespace SaasPortal.Saas.Mail;

/// <summary>The placeholders every portal template may use: the portal's name and its "My databases" address.</summary>
internal static class PortalLinks
{
    public static async Task<Dictionary<string, string?>> CommonValuesAsync(OrmEnvironment portal, CancellationToken cancellationToken)
    {
        var url = await TenantUrls.PortalUrlAsync(portal, cancellationToken);
        return new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["portal_name"] = "SaaS Portal",
            ["portal_url"] = url,
            ["databases_url"] = url + "/my/databases",
        };
    }
}
