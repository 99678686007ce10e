using System.Diagnostics;

namespace SaasPortal.Bench.Soak;

/// <summary>
/// One provisioned tenant: its database, its portal client record and the owner's uid in it, plus its suspension
/// state. One client at a time may suspend or resume it (a claim), so the ledger of suspensions stays a sequence.
/// </summary>
internal sealed class SoakTenant(string name, int clientRecordId, int ownerUid)
{
    private const long NotSuspended = long.MaxValue;

    private int _claimed;
    private long _resumeDue = NotSuspended;

    public string Name { get; } = name;

    /// <summary>The <c>saas_portal.client</c> id the portal's upgrade calls take.</summary>
    public int ClientRecordId { get; } = clientRecordId;

    public int OwnerUid { get; } = ownerUid;

    /// <summary>Suspended (or maybe suspended, after an unanswered call) and not yet resumed.</summary>
    public bool MaybeSuspended => Interlocked.Read(ref _resumeDue) != NotSuspended;

    public bool ResumeIsDue => Stopwatch.GetTimestamp() >= Interlocked.Read(ref _resumeDue);

    public bool TryClaim() => Interlocked.CompareExchange(ref _claimed, 1, 0) == 0;

    public void Release() => Volatile.Write(ref _claimed, 0);

    /// <summary>The tenant is (or may be) suspended; it should be resumed after <paramref name="hold"/>.</summary>
    public void Suspended(TimeSpan hold) => Interlocked.Exchange(ref _resumeDue, Stopwatch.GetTimestamp() + (long)(hold.TotalSeconds * Stopwatch.Frequency));

    public void Resumed() => Interlocked.Exchange(ref _resumeDue, NotSuspended);
}
