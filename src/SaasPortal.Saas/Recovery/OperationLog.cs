using System.Globalization;
using SaasPortal.Orm;

namespace SaasPortal.Saas.Recovery;

/// <summary>Reads and writes the portal's <c>saas_portal.operation</c> rows, as the superuser.</summary>
public static class OperationLog
{
    /// <summary>The model.</summary>
    public const string Model = "saas_portal.operation";

    /// <summary>
    /// Records a finished operation in the portal's current transaction, so the row commits (or not) together with
    /// the operation's own changes to the portal: its presence is what tells the crash recovery that the operation's
    /// outcome was committed.
    /// </summary>
    public static Task RecordDoneAsync(OrmEnvironment portal, JournalEntry entry, int? clientRecordId, DateTime finishedUtc, CancellationToken cancellationToken) =>
        CreateAsync(portal, entry, "done", null, clientRecordId, finishedUtc, cancellationToken);

    /// <summary>Records an operation that did not finish, with what it did and what the recovery did about it.</summary>
    public static Task RecordFailedAsync(OrmEnvironment portal, JournalEntry entry, string error, int? clientRecordId, DateTime finishedUtc,
        CancellationToken cancellationToken) =>
        CreateAsync(portal, entry, "failed", error, clientRecordId, finishedUtc, cancellationToken);

    /// <summary>Whether the operation of <paramref name="entry"/> has a row already (its outcome is committed).</summary>
    public static async Task<bool> IsRecordedAsync(OrmEnvironment portal, JournalEntry entry, CancellationToken cancellationToken) =>
        await portal.Sudo()[Model].SearchCountAsync(Wire.Domain(("reference", "=", entry.Id)), cancellationToken) > 0;

    private static async Task CreateAsync(OrmEnvironment portal, JournalEntry entry, string state, string? error, int? clientRecordId, DateTime finishedUtc,
        CancellationToken cancellationToken)
    {
        await portal.Sudo()[Model].CreateAsync(Wire.Values(
            ("name", entry.Operation), ("reference", entry.Id), ("database", entry.Database),
            ("client_id", (object?)(clientRecordId ?? entry.ClientRecordId) ?? false),
            ("state", state), ("error", (object?)error ?? false),
            ("steps", entry.Steps.Count == 0 ? false : string.Join(", ", entry.Steps)),
            ("started", Format(entry.StartedUtc)), ("finished", Format(finishedUtc))), cancellationToken);
    }

    private static string Format(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
