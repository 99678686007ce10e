using System.Globalization;
using ScottPlot;

namespace SaasPortal.Bench.Suite;

/// <summary>
/// PNG charts of a report: throughput against concurrency, and latency distributions (latency by percentile on a
/// "number of nines" axis, so the tail is visible), one of each per backend with the plaintext ceiling on both.
/// Both axes that span orders of magnitude are drawn on log scales (log10 of the value, labelled with the value).
/// </summary>
internal static class Charts
{
    private const int Width = 1000;
    private const int Height = 600;

    /// <summary>Writes the charts next to the report and returns their paths.</summary>
    public static IReadOnlyList<string> Write(SuiteReport report, string directory, string stem)
    {
        var written = new List<string>();
        foreach (var backend in report.Backends.Where(b => b.Throughput.Count > 0))
        {
            var throughput = Path.Combine(directory, $"{stem}-throughput-{backend.Backend}.png");
            ThroughputChart(backend, backend.Plaintext).SavePng(throughput, Width, Height);
            written.Add(throughput);

            var concurrency = backend.Throughput.Any(p => p.Concurrency == 16) ? 16 : backend.Throughput.Max(p => p.Concurrency);
            var latency = Path.Combine(directory, $"{stem}-latency-{backend.Backend}.png");
            LatencyChart(backend, backend.Plaintext, concurrency).SavePng(latency, Width, Height);
            written.Add(latency);
        }

        return written;
    }

    private static Plot ThroughputChart(BackendReport backend, IReadOnlyList<ThroughputPoint> plaintext)
    {
        var plot = new Plot();
        foreach (var series in Series(backend.Throughput, plaintext))
        {
            var points = series.OrderBy(p => p.Concurrency).Where(p => p.CallsPerSecond > 0).ToArray();
            var line = plot.Add.Scatter(points.Select(p => Math.Log2(p.Concurrency)).ToArray(), points.Select(p => Math.Log10(p.CallsPerSecond)).ToArray());
            Style(line, series.Key);
        }

        var concurrencies = backend.Throughput.Select(p => p.Concurrency).Distinct().Order().ToArray();
        plot.Axes.Bottom.SetTicks([.. concurrencies.Select(c => Math.Log2(c))], [.. concurrencies.Select(c => c.ToString(CultureInfo.InvariantCulture))]);
        LogTicks(plot.Axes.Left, backend.Throughput.Concat(plaintext).Select(p => p.CallsPerSecond));
        plot.Title($"Throughput against concurrency ({backend.Backend}), closed loop");
        plot.XLabel("concurrency (workers)");
        plot.YLabel("calls per second (log scale)");
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    private static Plot LatencyChart(BackendReport backend, IReadOnlyList<ThroughputPoint> plaintext, int concurrency)
    {
        var plot = new Plot();
        var atConcurrency = backend.Throughput.Where(p => p.Concurrency == concurrency).ToList();
        var ceiling = plaintext.Where(p => p.Concurrency == concurrency).ToList();
        foreach (var series in Series(atConcurrency, ceiling))
        {
            var quantiles = series.Single().Distribution.Where(q => q.Quantile < 1 && q.Ms > 0).ToArray();
            var line = plot.Add.Scatter(quantiles.Select(q => Nines(q.Quantile)).ToArray(), quantiles.Select(q => Math.Log10(q.Ms)).ToArray());
            Style(line, series.Key);
        }

        double[] nines = [0, Nines(0.5), 1, 2, 3];
        plot.Axes.Bottom.SetTicks(nines, ["0 %", "50 %", "90 %", "99 %", "99.9 %"]);
        LogTicks(plot.Axes.Left, atConcurrency.Concat(ceiling).SelectMany(p => p.Distribution).Select(q => q.Ms));
        plot.Title($"Latency by percentile at concurrency {concurrency} ({backend.Backend})");
        plot.XLabel("percentile of calls");
        plot.YLabel("latency ms (log scale)");
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    private static IEnumerable<IGrouping<string, ThroughputPoint>> Series(IEnumerable<ThroughputPoint> points, IEnumerable<ThroughputPoint> plaintext) =>
        plaintext.Concat(points).GroupBy(p => p.Workload == "plaintext" ? "plaintext (ceiling)" : $"{p.Workload} ({p.Protocol})");

    private static void Style(ScottPlot.Plottables.Scatter line, string label)
    {
        line.LegendText = label;
        line.LineWidth = label.StartsWith("plaintext", StringComparison.Ordinal) ? 3 : 2;
        line.MarkerSize = 6;
        if (label.Contains("JSON-RPC", StringComparison.Ordinal))
        {
            line.LinePattern = LinePattern.Dashed;
        }
    }

    private static string Label(double value) =>
        value >= 1 ? Math.Round(value).ToString("#,0", CultureInfo.InvariantCulture) : value.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>-log10(1 - q): 0 at 0 %, 1 at 90 %, 2 at 99 %, 3 at 99.9 %.</summary>
    private static double Nines(double quantile) => -Math.Log10(1 - quantile);

    /// <summary>Ticks at 1, 2 and 5 times each power of ten within the values' range, on an axis holding log10 values.</summary>
    private static void LogTicks(IAxis axis, IEnumerable<double> values)
    {
        var positive = values.Where(v => v > 0 && double.IsFinite(v)).ToArray();
        if (positive.Length == 0)
        {
            return;
        }

        var low = Math.Floor(Math.Log10(positive.Min()));
        var high = Math.Ceiling(Math.Log10(positive.Max()));
        var ticks = new List<double>();
        for (var decade = low; decade <= high; decade++)
        {
            ticks.AddRange(new[] { 1.0, 2, 5 }.Select(f => Math.Log10(f) + decade).Where(t => t <= high));
        }

        ((ScottPlot.AxisPanels.AxisBase)axis).SetTicks([.. ticks], [.. ticks.Select(t => Label(Math.Pow(10, t)))]);
    }
}
