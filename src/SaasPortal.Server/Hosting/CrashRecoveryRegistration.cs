using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SaasPortal.Saas.Recovery;

namespace SaasPortal.Server.Hosting;

/// <summary>The crash journal and recovery (issue 8, item 5; docs/security.md section 5).</summary>
internal static class CrashRecoveryRegistration
{
    public static IServiceCollection AddCrashRecovery(this IServiceCollection services, ServeSettings settings)
    {
        services.AddSingleton(new OperationJournalSettings { Directory = Path.Combine(Path.GetFullPath(settings.DataDirectory), "journal") });
        services.AddSingleton<OperationJournal>();
        services.AddSingleton<OperationTracker>();
        services.AddSingleton<Func<OperationTracker>>(sp => sp.GetRequiredService<OperationTracker>);
        services.AddSingleton(new CrashRecoverySettings { PortalDatabase = settings.PortalDatabase });
        services.AddSingleton<CrashRecovery>();
        services.AddSingleton<Func<CrashRecovery>>(sp => sp.GetRequiredService<CrashRecovery>);
        services.AddSingleton<JournalledBackups>();
        return services;
    }
}

/// <summary>
/// Runs the crash recovery once at start-up, after the portal's first-start set-up and before the server listens
/// (hosted services start in registration order, the web server after them), so no call sees a half-made tenant.
/// A failing pass is logged and does not stop the server: the maintenance pass runs the recovery again.
/// </summary>
internal sealed class CrashRecoveryStartup(CrashRecovery recovery) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => recovery.TryRunAsync(startup: true, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
