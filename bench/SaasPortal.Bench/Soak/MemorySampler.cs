using System.Diagnostics;
using System.Globalization;

namespace SaasPortal.Bench.Soak;

/// <summary>
/// One look at the server's memory: resident set from /proc; GC heap after the last collection and the number of
/// full (gen2) collections so far from its /metrics.
/// </summary>
internal sealed record MemorySample(double Seconds, long ResidentBytes, long? GcHeapBytes, long? FullCollections, string LoadAverage)
{
    /// <summary>SQLite database files the server holds open (one per pooled connection, each with its page cache); 0 on PostgreSQL.</summary>
    public int? SqliteFilesOpen { get; init; }
}

/// <summary>
/// Samples the server process every interval while the load runs: VmRSS from <c>/proc/&lt;pid&gt;/status</c> and the
/// GC heap after the last collection (all generations) from the runtime meter on <c>/metrics</c>.
/// </summary>
internal sealed class MemorySampler(int processId, HttpClient http, string metricsUrl, TimeSpan interval)
{
    /// <summary>Prometheus name of the runtime's <c>dotnet.gc.last_collection.heap.size</c> (one series per generation).</summary>
    public const string GcHeapMetric = "dotnet_gc_last_collection_heap_size_bytes";

    /// <summary>Prometheus name of the runtime's <c>dotnet.gc.collections</c> counter (one series per generation).</summary>
    public const string CollectionsMetric = "dotnet_gc_collections_total";

    /// <summary>Prometheus name of ASP.NET Core's request histogram count (one series per status code and route).</summary>
    public const string RequestCountMetric = "http_server_request_duration_seconds_count";

    private readonly List<MemorySample> _samples = [];

    public IReadOnlyList<MemorySample> Samples => _samples;

    /// <summary>Samples until <paramref name="cancellationToken"/> fires (the end of the load), then once more.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                _samples.Add(await SampleAsync(clock.Elapsed.TotalSeconds, CancellationToken.None));
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The load is over.
        }

        if (_samples.Count == 0 || clock.Elapsed.TotalSeconds - _samples[^1].Seconds >= 1)
        {
            _samples.Add(await SampleAsync(clock.Elapsed.TotalSeconds, CancellationToken.None));
        }
    }

    /// <summary>The server's own count of answers with a 5xx status (ASP.NET Core's histogram); null if it cannot be read.</summary>
    public async Task<long?> ServerErrorsAsync(CancellationToken cancellationToken)
    {
        var text = await ScrapeAsync(cancellationToken);
        if (text is null || !text.Contains(RequestCountMetric, StringComparison.Ordinal))
        {
            return null;
        }

        return PrometheusText.Sum(text, RequestCountMetric, labels => labels.Contains("http_response_status_code=\"5", StringComparison.Ordinal)) ?? 0;
    }

    private async Task<MemorySample> SampleAsync(double seconds, CancellationToken cancellationToken)
    {
        var rss = ResidentBytes(processId);
        var text = await ScrapeAsync(cancellationToken);
        var heap = text is null ? null : PrometheusText.Sum(text, GcHeapMetric, _ => true);
        var full = text is null ? null : PrometheusText.Sum(text, CollectionsMetric, l => l.Contains("gc_heap_generation=\"gen2\"", StringComparison.Ordinal));
        return new MemorySample(seconds, rss, heap, full, Suite.MachineInfo.LoadAverage()) { SqliteFilesOpen = Suite.BenchServer.OpenSqliteFiles(processId) };
    }

    private async Task<string?> ScrapeAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(20));
            return await http.GetStringAsync(metricsUrl, timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            // A missed scrape is a gap in the series, not a failure of the run.
            return null;
        }
    }

    /// <summary>VmRSS of a process (Linux), in bytes.</summary>
    public static long ResidentBytes(int processId)
    {
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("VmRSS not found");
    }
}

/// <summary>Reads values out of Prometheus' text exposition format.</summary>
internal static class PrometheusText
{
    /// <summary>The sum of every sample of <paramref name="metric"/> whose label set passes <paramref name="labels"/>; null when there is none.</summary>
    public static long? Sum(string text, string metric, Func<string, bool> labels)
    {
        double? sum = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith('#') || !line.StartsWith(metric, StringComparison.Ordinal) || line.Length == metric.Length
                || line[metric.Length] is not ('{' or ' '))
            {
                continue;
            }

            var labelEnd = line[metric.Length] == '{' ? line.IndexOf('}', metric.Length) : metric.Length - 1;
            if (labelEnd < 0 || !labels(line[metric.Length..(labelEnd + 1)]))
            {
                continue;
            }

            // "<name>{labels} <value> [timestamp]"
            var value = line[(labelEnd + 1)..].Trim().Split(' ')[0];
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
            {
                sum = (sum ?? 0) + parsed;
            }
        }

        return sum is { } total ? (long)total : null;
    }
}
