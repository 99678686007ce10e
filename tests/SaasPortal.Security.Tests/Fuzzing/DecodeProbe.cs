using System.Diagnostics;

namespace SaasPortal.Security.Tests.Fuzzing;

/// <summary>How one decoding ended.</summary>
internal sealed record DecodeOutcome(object? Value, Exception? Error, long AllocatedBytes, TimeSpan Elapsed, bool Finished);

/// <summary>
/// Runs one decoding on a thread of its own, so that a hang is seen (the thread is abandoned after the time box)
/// and the bytes it allocates are counted for it alone (GC.GetAllocatedBytesForCurrentThread), whatever else the
/// test process runs at the same time. The decoders finish synchronously on in-memory input, so nothing they do
/// escapes to another thread.
/// </summary>
internal static class DecodeProbe
{
    /// <summary>Time box of one case: generous for a 2-core machine shared with other builds, far below a real hang.</summary>
    public static readonly TimeSpan TimeBox = TimeSpan.FromSeconds(20);

    public static DecodeOutcome Run(Func<object?> decode)
    {
        object? value = null;
        Exception? error = null;
        long allocated = 0;
        var clock = Stopwatch.StartNew();
        var thread = new Thread(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                value = decode();
            }
            catch (Exception e)
            {
                error = e;
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        })
        { IsBackground = true, Name = "decode probe" };
        thread.Start();
        var finished = thread.Join(TimeBox);
        return new DecodeOutcome(value, error, allocated, clock.Elapsed, finished);
    }

    /// <summary>
    /// Bytes a decoder may allocate for an input of <paramref name="inputBytes"/>: linear in the input (UTF-16
    /// strings, boxed scalars, list slots) plus a fixed allowance. The allowance is set by the worst fixed cost
    /// measured: a refusal at the nesting limit (128) unwinds that many async frames, each adding its part of the
    /// exception's stack trace, about 6 MB. An amplifying decoder (entities, quadratic copies) leaves this bound at
    /// once on the inputs that provoke it.
    /// </summary>
    public static long Budget(long inputBytes) => (8L * 1024 * 1024) + (64 * inputBytes);
}
