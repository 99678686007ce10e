using SaasPortal.Bench.Soak;

namespace SaasPortal.Bench.Tests;

public sealed class MemoryTrendTests
{
    private const double MiB = 1024 * 1024;

    [Fact]
    public void A_steady_climb_after_warm_up_is_not_flat()
    {
        // 200 MB growing by 1 MB every 5 s: 36 MB over the judged 3 minutes, about 16 % of the mean.
        var series = Series(60, i => (200 + i) * MiB);

        var trend = MemoryTrend.Judge(series);

        Assert.False(trend.Flat);
        Assert.Equal(12, trend.SlopeBytesPerMinute / MiB, precision: 6);
    }

    [Fact]
    public void A_sawtooth_around_a_level_is_flat_and_warm_up_growth_does_not_count()
    {
        // A steep warm-up over the first 40 %, then a GC sawtooth of ±20 MB around 300 MB.
        var series = Series(60, i => i < 24 ? (100 + i * 8) * MiB : (300 + (i % 4 - 1.5) * 13) * MiB);

        var trend = MemoryTrend.Judge(series);

        Assert.True(trend.Flat);
        Assert.InRange(trend.MeanBytes / MiB, 290, 310);
    }

    [Fact]
    public void A_short_series_or_a_short_window_gives_no_verdict()
    {
        Assert.Null(MemoryTrend.Judge(Series(5, i => (100 + i * 50) * MiB)).Flat);
        Assert.Null(MemoryTrend.Judge([]).Flat);
        // Plenty of samples, but 20 s: a leak cannot be told from warm-up in that time.
        Assert.Null(MemoryTrend.Judge([.. Enumerable.Range(0, 40).Select(i => (i * 0.5, 100 * MiB))]).Flat);
    }

    [Fact]
    public void The_live_heap_is_read_at_the_samples_that_follow_a_full_collection_only()
    {
        // gen2 promotions make the heap climb between full collections (at 20 s and 45 s); only those points count.
        MemorySample[] samples =
        [
            new(0, 100, 10, 1, ""), new(5, 100, 14, 1, ""), new(10, 100, 18, 1, ""), new(15, 100, 22, 1, ""),
            new(20, 100, 11, 2, ""), new(25, 100, 16, 2, ""), new(30, 100, 21, 2, ""), new(35, 100, 26, 2, ""),
            new(40, 100, 30, 2, ""), new(45, 100, 12, 4, ""), new(50, 100, null, 5, ""),
        ];

        var points = MemoryTrend.AfterFullCollections(samples);

        Assert.Equal([(20.0, 11.0), (45.0, 12.0)], points);
    }

    [Fact]
    public void Prometheus_samples_of_one_metric_are_summed_over_their_labels()
    {
        const string text = """
            # TYPE dotnet_gc_last_collection_heap_size_bytes gauge
            dotnet_gc_last_collection_heap_size_bytes{gc_heap_generation="gen0"} 1000 1732870000000
            dotnet_gc_last_collection_heap_size_bytes{gc_heap_generation="gen2"} 2500
            dotnet_gc_last_collection_heap_size_bytes_other 99
            http_server_request_duration_seconds_count{http_request_method="POST",http_response_status_code="200"} 40
            http_server_request_duration_seconds_count{http_request_method="POST",http_response_status_code="500"} 3
            http_server_request_duration_seconds_count{http_request_method="POST",http_response_status_code="503"} 2
            """;

        Assert.Equal(3500, PrometheusText.Sum(text, MemorySampler.GcHeapMetric, _ => true));
        Assert.Equal(5, PrometheusText.Sum(text, MemorySampler.RequestCountMetric, l => l.Contains("status_code=\"5", StringComparison.Ordinal)));
        Assert.Null(PrometheusText.Sum(text, "dotnet_process_memory_working_set_bytes", _ => true));
    }

    private static List<(double Seconds, double Bytes)> Series(int count, Func<int, double> bytes) =>
        [.. Enumerable.Range(0, count).Select(i => (i * 5.0, bytes(i)))];
}
