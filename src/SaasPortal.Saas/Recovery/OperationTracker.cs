using Microsoft.Extensions.Logging;
using SaasPortal.Orm;

namespace SaasPortal.Saas.Recovery;

/// <summary>
/// Ties a journalled operation to the portal call that runs it: the journal entry is written before the operation
/// touches anything, and once the call's transaction is over it goes (committed: the operation's
/// <c>saas_portal.operation</c> row committed with it) or is settled at once (rolled back, or the commit failed:
/// the half-made database is dropped and the failure recorded). A crash in between leaves the entry to
/// <see cref="CrashRecovery"/> at the next start.
/// </summary>
public sealed partial class OperationTracker(OperationJournal journal, Func<CrashRecovery> recovery, TimeProvider time, ILogger<OperationTracker> logger)
{
    /// <summary>Journals the start of <paramref name="operation"/> on <paramref name="database"/> within the portal call of <paramref name="portal"/>.</summary>
    public async Task<PendingOperation> BeginAsync(OrmEnvironment portal, string operation, string database, CancellationToken cancellationToken,
        string? clientUuid = null, int? clientRecordId = null, string? template = null)
    {
        var pending = await journal.BeginAsync(operation, database, cancellationToken, clientUuid, clientRecordId, template);
        portal.Transaction.OnFinished(committed => FinishAsync(pending, committed));
        return pending;
    }

    /// <summary>Records the operation as done in the portal call's transaction (it commits or rolls back with the operation).</summary>
    public Task RecordDoneAsync(OrmEnvironment portal, PendingOperation pending, int? clientRecordId, CancellationToken cancellationToken) =>
        OperationLog.RecordDoneAsync(portal, pending.Entry, clientRecordId, time.GetUtcNow().UtcDateTime, cancellationToken);

    private async ValueTask FinishAsync(PendingOperation pending, bool committed)
    {
        if (!pending.IsOpen)
        {
            // Closed already: refused before it started.
            return;
        }

        if (committed)
        {
            try
            {
                pending.Close();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Committed all the same: the recovery finds the done row and removes the entry.
                pending.Release();
            }

            return;
        }

        try
        {
            // The call's transaction is rolled back (so on SQLite the portal's write lock is free again): settle now,
            // as the crash recovery would, so the failure is on record at once.
            await recovery().SettleAsync(pending.Entry, interrupted: false, CancellationToken.None);
        }
        catch (Exception e)
        {
            // A transaction's end must not throw; the entry stays for the next recovery pass.
            pending.Release();
            LogSettleFailed(logger, pending.Entry.Operation, pending.Entry.Database, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not settle the failed operation {Operation} on {Database}; the next recovery pass will")]
    private static partial void LogSettleFailed(ILogger logger, string operation, string database, Exception exception);
}
