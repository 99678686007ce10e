using Microsoft.Extensions.Logging;
using SaasPortal.Orm;
using SaasPortal.Orm.Service;
using SaasPortal.Saas.Billing;
using SaasPortal.Saas.Recovery;

namespace SaasPortal.Saas.Portal;

/// <summary>Settings of the portal's periodic maintenance.</summary>
public sealed record ClientMaintenanceSettings
{
    /// <summary>The portal database whose clients are maintained.</summary>
    public required string PortalDatabase { get; init; }

    /// <summary>Time between two passes; one hour unless configured.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromHours(1);
}

/// <summary>
/// One pass of the portal's periodic job: refreshes every live client record from its tenant (users, storage,
/// state), then runs the expiry rules. The host calls <see cref="RunOnceAsync"/> on a timer; a failing pass is
/// logged and the next one tries again.
/// </summary>
public sealed class ClientMaintenance(Func<OrmService> orm, ClientOperations operations, CrashRecovery recovery, ScheduledBackups backups,
    BillingJob billing, ClientMaintenanceSettings settings, ILogger<ClientMaintenance> logger)
{
    /// <summary>The configured interval.</summary>
    public TimeSpan Interval => settings.Interval;

    /// <summary>Runs one pass as the portal's superuser.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        // First, so that the sync below works on settled clients (journal entries, missing databases, module states).
        await recovery.TryRunAsync(startup: false, cancellationToken);
        var synced = await orm().RunAsync(settings.PortalDatabase, OrmEnvironment.SuperuserId, write: true,
            env => operations.SyncAllAsync(env, cancellationToken), cancellationToken);
        // Billing before expiry: an unpaid invoice's grace deadline becomes the tenant's expiry, which expiry then enforces.
        var billed = await orm().RunAsync(settings.PortalDatabase, OrmEnvironment.SuperuserId, write: true,
            env => billing.RunAsync(env, cancellationToken), cancellationToken);
        var (pending, deleted) = await orm().RunAsync(settings.PortalDatabase, OrmEnvironment.SuperuserId, write: true,
            env => operations.ExpireAsync(env, cancellationToken), cancellationToken);
        logger.LogInformation("Client maintenance: {Synced} synchronised, {Pending} newly expired, {Deleted} expired trials deleted",
            synced, pending.Count, deleted.Count);
        logger.LogInformation("Billing: {Invoiced} invoices created, {PastDue} subscriptions past due, {Deadlines} payment deadlines set",
            billed.Invoiced.Count, billed.PastDue.Count, billed.Deadlines.Count);
        var backedUp = await backups.RunAsync(cancellationToken);
        logger.LogInformation("Scheduled backups: {Written} written, {Pruned} pruned, {Failed} failed", backedUp.Written, backedUp.Pruned, backedUp.Failed);
    }
}
