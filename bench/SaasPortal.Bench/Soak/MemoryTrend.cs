namespace SaasPortal.Bench.Soak;

/// <summary>
/// Whether one memory series is flat after warm-up. The first <see cref="MemoryTrend.WarmupFraction"/> of the samples
/// is warm-up (JIT, pools, caches, every tenant's first open) and is left out; a least-squares line through the rest
/// gives the slope, and the series is flat when that line grows by less than <see cref="MemoryTrend.Tolerance"/> of
/// the window's mean over the window. A leak shows as a steady slope; the GC's sawtooth averages out.
/// </summary>
internal sealed record MemoryTrend(int Samples, double WindowSeconds, double MeanBytes, double SlopeBytesPerMinute, double GrowthOverWindow, bool? Flat)
{
    public const double WarmupFraction = 0.4;

    public const double Tolerance = 0.10;

    /// <summary>Fewer samples than this after warm-up give no verdict (a short run says nothing about leaks).</summary>
    public const int MinimumSamples = 8;

    /// <summary>A judged window shorter than this gives no verdict either: a leak needs time to show.</summary>
    public const double MinimumWindowSeconds = 60;

    /// <summary>
    /// Judges <paramref name="series"/>. Warm-up is the first <see cref="WarmupFraction"/> of the samples, or, for a sparse
    /// series, everything before <paramref name="warmupEndsAt"/> seconds.
    /// </summary>
    public static MemoryTrend Judge(IReadOnlyList<(double Seconds, double Bytes)> series, double? warmupEndsAt = null, int minimumSamples = MinimumSamples)
    {
        var window = warmupEndsAt is { } cutoff
            ? series.Where(s => s.Seconds >= cutoff).ToList()
            : series.Skip((int)Math.Floor(series.Count * WarmupFraction)).ToList();
        if (window.Count < 2)
        {
            return new MemoryTrend(window.Count, 0, window.Count == 0 ? 0 : window[0].Bytes, 0, 0, null);
        }

        var meanX = window.Average(s => s.Seconds);
        var meanY = window.Average(s => s.Bytes);
        var covariance = window.Sum(s => (s.Seconds - meanX) * (s.Bytes - meanY));
        var variance = window.Sum(s => (s.Seconds - meanX) * (s.Seconds - meanX));
        var slope = variance == 0 ? 0 : covariance / variance;
        var seconds = window[^1].Seconds - window[0].Seconds;
        var growth = meanY == 0 ? 0 : slope * seconds / meanY;
        bool? flat = window.Count < minimumSamples || seconds < MinimumWindowSeconds ? null : growth < Tolerance;
        return new MemoryTrend(window.Count, seconds, meanY, slope * 60, growth, flat);
    }

    /// <summary>
    /// The GC heap at the samples taken right after a full (gen2) collection, i.e. close to the live set. Between full
    /// collections the heap grows by design (survivors are promoted into gen2 until the next full collection), so a
    /// window shorter than the gen2 period shows growth that is no leak; these points do not.
    /// </summary>
    public static IReadOnlyList<(double Seconds, double Bytes)> AfterFullCollections(IReadOnlyList<MemorySample> samples)
    {
        var points = new List<(double Seconds, double Bytes)>();
        for (var i = 1; i < samples.Count; i++)
        {
            if (samples[i] is { GcHeapBytes: { } heap, FullCollections: { } full } && samples[i - 1].FullCollections is { } before && full > before)
            {
                points.Add((samples[i].Seconds, heap));
            }
        }

        return points;
    }
}
