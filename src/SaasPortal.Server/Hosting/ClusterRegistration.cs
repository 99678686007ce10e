using Microsoft.Extensions.DependencyInjection;
using SaasPortal.Addons.Behaviours;
using SaasPortal.Saas.Cluster;

namespace SaasPortal.Server.Hosting;

/// <summary>Several database servers: moving tenants between them, draining, and the portal methods that do it.</summary>
internal static class ClusterRegistration
{
    public static IServiceCollection AddCluster(this IServiceCollection services)
    {
        services.AddSingleton<TenantMover>();
        services.AddSingleton<IAddonBehaviour, ClusterBehaviour>();
        return services;
    }
}
