using System.Diagnostics;

namespace SaasPortal.Bench.Http;

/// <summary>One measured workload: calls per second and latency percentiles; errors are counted apart.</summary>
internal sealed record LoadResult(string Name, int Concurrency, long Calls, long Errors, double Seconds, double MedianMs, double P99Ms)
{
    public double CallsPerSecond => Calls / Seconds;

    public string? FirstError { get; init; }

    /// <summary>Every successful call's latency in milliseconds, sorted ascending (for distributions and charts).</summary>
    public IReadOnlyList<double> Latencies { get; init; } = [];
}

/// <summary>A closed-loop load generator: <c>concurrency</c> workers call as fast as answers come, for a fixed time.</summary>
internal static class Load
{
    public static async Task<LoadResult> RunAsync(string name, int concurrency, TimeSpan duration, Func<int, CancellationToken, Task> call,
        CancellationToken cancellationToken, int warmupCalls = 20)
    {
        // Warm-up: JIT, pools and caches on both sides, not counted.
        for (var i = 0; i < warmupCalls; i++)
        {
            await call(i, cancellationToken);
        }

        var latencies = new List<double>[concurrency];
        long errors = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = new List<double>(4096);
            var n = w * 1_000_000;
            while (clock.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await call(n++, cancellationToken);
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    if (Interlocked.Increment(ref errors) == 1)
                    {
                        firstError = e.Message;
                    }
                }
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(workers);
        var seconds = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new LoadResult(name, concurrency, all.Length, errors, seconds, Percentile(all, 0.5), Percentile(all, 0.99)) { FirstError = firstError, Latencies = all };
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
