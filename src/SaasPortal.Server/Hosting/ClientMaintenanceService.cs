using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SaasPortal.Orm;
using SaasPortal.Orm.Service;
using SaasPortal.Saas;
using SaasPortal.Saas.Portal;

namespace SaasPortal.Server.Hosting;

/// <summary>
/// Runs the portal's client maintenance (sync, expiry, scheduled backups) once every <see cref="ClientMaintenance.Interval"/>
/// across the cluster: every node checks once a minute (or once an interval, when shorter), and under the
/// <see cref="MaintenanceLock"/> runs the pass only when the last completed one, recorded in the portal database,
/// is an interval old. A node that dies mid-pass records nothing, so another node's next check runs the pass again
/// (its steps skip what is already done: synced clients sync again, backed-up tenants are not due).
/// </summary>
internal sealed partial class ClientMaintenanceService(
    ClientMaintenance maintenance, MaintenanceLock clusterLock, Func<OrmService> orm, ClientMaintenanceSettings settings, TimeProvider time,
    ILogger<ClientMaintenanceService> logger) : BackgroundService
{
    /// <summary>The portal parameter holding the UTC start of the last completed pass.</summary>
    internal const string LastPassParameter = "saas_portal.maintenance_last_pass";

    private static readonly TimeSpan LongestCheckPeriod = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Before any pass was recorded, the schedule starts with this process: the first pass comes one interval after start.
        var started = time.GetUtcNow();
        var period = maintenance.Interval < LongestCheckPeriod ? maintenance.Interval : LongestCheckPeriod;
        using var timer = new PeriodicTimer(period, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await TryPassAsync(started, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPassFailed(logger, e);
            }
        }
    }

    private async Task TryPassAsync(DateTimeOffset started, CancellationToken cancellationToken)
    {
        await using var held = await clusterLock.TryAcquireAsync(cancellationToken);
        if (held is null)
        {
            LogBusy(logger);
            return;
        }

        var last = await orm().RunAsync(settings.PortalDatabase, OrmEnvironment.SuperuserId, write: false,
            env => ConfigParameters.GetAsync(env, LastPassParameter, cancellationToken), cancellationToken);
        var now = time.GetUtcNow();
        var since = DateTimeOffset.TryParse(last, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : started;
        if (now - since < maintenance.Interval)
        {
            return;
        }

        await maintenance.RunOnceAsync(cancellationToken);
        await orm().RunAsync(settings.PortalDatabase, OrmEnvironment.SuperuserId, write: true, async env =>
        {
            await ConfigParameters.SetAsync(env, LastPassParameter, now.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                hidden: false, cancellationToken);
            return true;
        }, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Client maintenance pass failed; the next one tries again")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Client maintenance runs on another node")]
    private static partial void LogBusy(ILogger logger);
}
