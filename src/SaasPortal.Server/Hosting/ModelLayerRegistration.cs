using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SaasPortal.Addons.Behaviours;
using SaasPortal.Addons.Catalogue;
using SaasPortal.Addons.Modules;
using SaasPortal.Api.Services;
using SaasPortal.Orm;
using SaasPortal.Orm.Service;
using SaasPortal.Saas.Addons.SaasClient;
using SaasPortal.Saas.Addons.SaasPortal;
using SaasPortal.Saas.Governance;
using SaasPortal.Saas.Portal;
using SaasPortal.Saas.Provisioning;
using SaasPortal.Saas.Upgrades;
using SaasPortal.Storage.Databases;

namespace SaasPortal.Server.Hosting;

/// <summary>
/// Registers the ORM, the module system and the SaaS layer. Behaviours need the ORM (provisioning runs calls on
/// tenants) and the ORM needs the module system that holds the behaviours, so the SaaS services reach the ORM
/// through factories resolved at call time rather than at construction.
/// </summary>
internal static class ModelLayerRegistration
{
    public static IServiceCollection AddSaasPortalModelLayer(this IServiceCollection services, ServeSettings settings)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new OrmSettings { DataDirectory = settings.DataDirectory });
        services.AddSingleton(new AddonPaths { Extra = settings.AddonsPaths });
        services.AddSingleton<Func<OrmService>>(sp => sp.GetRequiredService<OrmService>);
        services.AddSingleton<Func<ModuleSystem>>(sp => sp.GetRequiredService<ModuleSystem>);

        services.AddSingleton<StorageUsage>();
        services.AddSingleton<AccessTokens>();
        services.AddSingleton<TenantGovernance>();
        services.AddSingleton<DatabaseProvisioner>();
        services.AddSingleton<ITenantModules, TenantModules>();
        services.AddSingleton<TenantUpgrader>();
        services.AddSingleton<ClientOperations>();
        services.AddSingleton(sp => new ClientMaintenanceSettings
        {
            PortalDatabase = settings.PortalDatabase,
            // SaasPortal__MaintenanceInterval=00:05:00 in the environment (or any configuration source) changes it.
            Interval = sp.GetService<Microsoft.Extensions.Configuration.IConfiguration>()?["SaasPortal:MaintenanceInterval"] is { Length: > 0 } interval
                ? TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture)
                : TimeSpan.FromHours(1),
        });
        services.AddSingleton<ClientMaintenance>();
        services.AddCrashRecovery(settings);
        services.AddSingleton<MaintenanceLock>();
        services.AddSingleton(sp => new ScheduledBackupSettings
        {
            PortalDatabase = settings.PortalDatabase,
            Directory = settings.BackupDirectory,
        });
        services.AddSingleton<ScheduledBackups>();
        services.AddSaasPortalBilling(settings.PortalDatabase);
        services.AddSingleton<IAddonBehaviour, SaasPortalBehaviour>();
        services.AddSingleton<IAddonBehaviour, SaasClientBehaviour>();
        services.AddCluster();
        services.AddSaasPortalMail(settings.PortalDatabase);

        // Reading the catalogue is the module system's only I/O at creation; it happens once, while the host starts.
        services.AddSingleton(sp => ModuleSystem.CreateAsync(
                sp.GetRequiredService<IDatabaseServer>(), sp.GetRequiredService<AddonPaths>(),
                [.. BuiltInBehaviours.All, .. sp.GetServices<IAddonBehaviour>()], CancellationToken.None)
            .GetAwaiter().GetResult());
        services.AddSingleton<IRegistryProvider>(sp => sp.GetRequiredService<ModuleSystem>());
        services.AddSingleton<OrmService>();
        services.AddSingleton<IOrmGateway, OrmGateway>();
        services.AddCustomerLifecycle(settings);

        services.AddSingleton<PortalBootstrapper>();
        services.AddSingleton(new PortalBootstrapSettings
        {
            PortalDatabase = settings.PortalDatabase,
            AdminPassword = settings.AdminPassword,
            BaseUrl = settings.Urls[0],
            TemplateDatabase = settings.PortalDatabase + "-template",
        });
        return services;
    }

    /// <summary>The portal's first-start data; registered after the hosted service that creates the portal database.</summary>
    public static IServiceCollection AddPortalBootstrap(this IServiceCollection services) =>
        services.AddHostedService<PortalBootstrapStartup>().AddHostedService<CrashRecoveryStartup>().AddHostedService<ClientMaintenanceService>();
}

/// <summary>The edge's gateway onto the ORM.</summary>
internal sealed class OrmGateway(OrmService orm) : IOrmGateway
{
    public Task<int?> AuthenticateAsync(string database, string login, string password, CancellationToken cancellationToken) =>
        orm.AuthenticateAsync(database, login, password, cancellationToken);

    public Task<object?> ExecuteKwAsync(string database, int uid, string password, string model, string method, IReadOnlyList<object?> args,
        IReadOnlyDictionary<string, object?> kwargs, CancellationToken cancellationToken) =>
        orm.ExecuteKwAsync(database, uid, password, model, method, args, kwargs, cancellationToken);

    public Task<object?> ExecuteKwAsSessionUserAsync(string database, int uid, string model, string method, IReadOnlyList<object?> args,
        IReadOnlyDictionary<string, object?> kwargs, CancellationToken cancellationToken) =>
        orm.ExecuteKwAsSessionUserAsync(database, uid, model, method, args, kwargs, cancellationToken);

    public void ForgetDatabase(string database) => orm.ForgetDatabase(database);
}

/// <summary>Runs the portal's first-start set-up (token secret, base URL, the default plan and its template).</summary>
internal sealed class PortalBootstrapStartup(PortalBootstrapper bootstrapper, PortalBootstrapSettings settings) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => bootstrapper.EnsureAsync(settings, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
