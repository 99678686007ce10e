using System.Collections.Concurrent;

namespace SaasPortal.Bench.Soak;

/// <summary>The kinds of call the soak makes.</summary>
internal enum OperationKind
{
    SearchRead,
    Create,
    Write,
    Unlink,
    Suspend,
    Resume,
}

/// <summary>Per kind of call: how it ended, and the latencies of the answered ones.</summary>
internal sealed record OperationFigures(string Operation, long Acknowledged, long RefusedSuspended, long Unanswered, long TimedOut, long Abandoned, long Errors,
    double MedianMs, double P99Ms);

/// <summary>Thread-safe counts of every call's end, and the first unexpected errors word for word.</summary>
internal sealed class OperationTally
{
    private const int KeptErrors = 30;

    private readonly ConcurrentDictionary<OperationKind, Counts> _counts = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private long _errorCount;

    public long ErrorCount => Interlocked.Read(ref _errorCount);

    public IReadOnlyList<string> FirstErrors => [.. _errors];

    public void Answered(OperationKind kind, double milliseconds)
    {
        var counts = For(kind);
        Interlocked.Increment(ref counts.Acknowledged);
        lock (counts.Latencies)
        {
            counts.Latencies.Add(milliseconds);
        }
    }

    public void RefusedSuspended(OperationKind kind) => Interlocked.Increment(ref For(kind).RefusedSuspended);

    public void TimedOut(OperationKind kind)
    {
        var counts = For(kind);
        Interlocked.Increment(ref counts.Unanswered);
        Interlocked.Increment(ref counts.TimedOut);
    }

    /// <summary>A call the client gave up on purpose (a short deadline), to leave its outcome unknown.</summary>
    public void Abandoned(OperationKind kind)
    {
        var counts = For(kind);
        Interlocked.Increment(ref counts.Unanswered);
        Interlocked.Increment(ref counts.Abandoned);
    }

    /// <summary>An error: an unexpected fault, a 5xx, a broken connection or an answer of the wrong shape.</summary>
    public void Error(OperationKind kind, bool unanswered, string message)
    {
        var counts = For(kind);
        Interlocked.Increment(ref counts.Errors);
        if (unanswered)
        {
            Interlocked.Increment(ref counts.Unanswered);
        }

        if (Interlocked.Increment(ref _errorCount) <= KeptErrors)
        {
            _errors.Enqueue($"{kind}: {message}");
        }
    }

    public IReadOnlyList<OperationFigures> Figures() =>
    [
        .. Enum.GetValues<OperationKind>().Select(kind =>
        {
            var counts = For(kind);
            double[] sorted;
            lock (counts.Latencies)
            {
                sorted = [.. counts.Latencies.Order()];
            }

            return new OperationFigures(kind.ToString(), counts.Acknowledged, counts.RefusedSuspended, counts.Unanswered, counts.TimedOut, counts.Abandoned, counts.Errors,
                Suite.Quantiles.At(sorted, 0.5), Suite.Quantiles.At(sorted, 0.99));
        }),
    ];

    private Counts For(OperationKind kind) => _counts.GetOrAdd(kind, _ => new Counts());

    private sealed class Counts
    {
        public long Acknowledged;
        public long RefusedSuspended;
        public long Unanswered;
        public long TimedOut;
        public long Abandoned;
        public long Errors;
        public readonly List<double> Latencies = [];
    }
}
