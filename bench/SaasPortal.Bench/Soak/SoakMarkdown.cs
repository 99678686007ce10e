using System.Globalization;
using System.Text;

namespace SaasPortal.Bench.Soak;

/// <summary>The soak report for people: the verdict first, then calls, statuses, the ledger and memory.</summary>
internal static class SoakMarkdown
{
    private const double MiB = 1024 * 1024;

    public static string Render(SoakReport report)
    {
        var o = report.Outcome;
        var text = new StringBuilder();
        // A line may be given in parts (long lines), each formatted with the invariant culture.
        void Line(params FormattableString[] parts) => text.AppendLine(string.Concat(parts.Select(p => p.ToString(CultureInfo.InvariantCulture))));

        Line($"# Soak with verification, {report.Backend}, {report.StartedAt:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine();
        Line($"**{(o.Verified ? "VERIFIED" : "FAILED")}**: {o.Violations.Count} ledger violations, {o.ReadViolations.Count} read-your-writes violations, ",
             $"{o.ClientSeen5xx} HTTP 5xx seen by the clients ({(o.ServerCounted5xx is { } s ? s.ToString(CultureInfo.InvariantCulture) : "n/a")} counted by the server), ",
             $"{o.Errors} unexpected errors, {o.ServerErrorsLogged} server log errors. Memory flat after warm-up: **{SoakCommand.Flat(o.MemoryFlat)}**.");
        text.AppendLine();
        Line($"{report.Clients} clients, {report.Tenants} tenants ({o.ProvisioningSeconds:F0} s to provision through the portal), {o.LoadSeconds:F0} s of load ",
             $"(asked {report.DurationSeconds:F0} s), {report.SuspendPermille}‰ of operations suspend a tenant for 1–3 s, {report.AbandonPermille}‰ of creates, writes and deletes are abandoned if not answered within a random 1–1000 ms, call timeout {report.CallTimeoutSeconds:F0} s. ",
             $"Backend {report.Backend}{(report.PostgresVersion is { } version ? " (" + version + ")" : "")}.");
        text.AppendLine();
        var m = report.Machine;
        Line($"Machine: {m.CpuModel}, {m.Cores} cores, {m.MemoryBytes / MiB / 1024:F0} GiB, {m.OperatingSystem}, {m.DotNet}; commit {m.GitCommit[..Math.Min(12, m.GitCommit.Length)]}{(m.GitDirty ? " (work tree modified)" : "")}. ",
             $"Load average {m.LoadAverageAtStart} at start, {m.LoadAverageAtEnd} at end (other processes share the machine when it exceeds the core count).");
        text.AppendLine();

        text.AppendLine("## Calls");
        text.AppendLine();
        text.AppendLine("| operation | answered | refused (suspended) | unanswered | of which timeouts | of which abandoned on purpose | errors | median ms | p99 ms |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var f in o.Operations)
        {
            Line($"| {f.Operation} | {f.Acknowledged} | {f.RefusedSuspended} | {f.Unanswered} | {f.TimedOut} | {f.Abandoned} | {f.Errors} | {f.MedianMs:F1} | {f.P99Ms:F1} |");
        }

        var answered = o.Operations.Sum(f => f.Acknowledged);
        Line($"| all | {answered} | {o.Operations.Sum(f => f.RefusedSuspended)} | {o.Operations.Sum(f => f.Unanswered)} | {o.Operations.Sum(f => f.TimedOut)} | {o.Operations.Sum(f => f.Abandoned)} | {o.Errors} | | |");
        text.AppendLine();
        Line($"{answered / Math.Max(1, o.LoadSeconds):F0} answered calls per second. HTTP statuses: {string.Join(", ", o.HttpStatuses.Select(p => $"{p.Key}: {p.Value}"))}.");
        text.AppendLine();

        text.AppendLine("## Ledger");
        text.AppendLine();
        var v = o.Verification;
        Line($"{v.Sum(t => t.Tracked)} records tracked over {v.Count} tenants: {v.Sum(t => t.Present)} present and {v.Sum(t => t.Absent)} absent as the ledger allows. ",
             $"Calls whose answer never came: {v.Sum(t => t.OpenResolvedApplied)} found wholly applied, {v.Sum(t => t.OpenResolvedAbsent)} wholly absent. ",
             $"{o.ReadChecks} reads of a client's own records during the load were checked against the ledger.");
        text.AppendLine();
        List("Ledger violations", o.Violations, text);
        List("Read-your-writes violations", o.ReadViolations, text);
        List("Tenants still refusing after the final resume", o.NotResumed, text);
        List("First errors", o.FirstErrors, text);
        Line($"Server log: {o.ServerErrorsLogged} entries at Error or Critical.");
        text.AppendLine();
        List("First server log errors", o.FirstServerErrors, text);

        text.AppendLine("## Memory");
        text.AppendLine();
        Line($"Sampled {o.Memory.Count} times: RSS from /proc/<pid>/status, GC heap after the last collection (all generations) from /metrics. ",
             $"The first {MemoryTrend.WarmupFraction:P0} of the samples are warm-up; a least-squares line through the rest must grow by less than ",
             $"{MemoryTrend.Tolerance:P0} of the window's mean over the window (at least {MemoryTrend.MinimumSamples} samples over {MemoryTrend.MinimumWindowSeconds:F0} s, else no verdict). ",
             $"The GC heap is also judged at the samples right after a full (gen2) collection only (at least 3 after warm-up), which is close to the live set: ",
             $"between full collections the heap grows by design as survivors are promoted, so the every-sample series can climb without a leak. ",
             $"Verdict: RSS flat, and the after-full-collection heap flat (the every-sample heap when there are too few full collections).");
        text.AppendLine();
        text.AppendLine("| series | samples judged | window s | mean MB | slope MB/min | growth over window | flat |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var (name, trend) in new[] { ("RSS", o.ResidentTrend), ("GC heap, every sample", o.GcHeapTrend), ("GC heap after full collections", o.LiveHeapTrend) })
        {
            Line($"| {name} | {trend.Samples} | {trend.WindowSeconds:F0} | {trend.MeanBytes / MiB:F1} | {trend.SlopeBytesPerMinute / MiB:F2} | {trend.GrowthOverWindow:P1} | {SoakCommand.Flat(trend.Flat)} |");
        }

        text.AppendLine();
        text.AppendLine("| s | RSS MB | GC heap MB | full GCs | SQLite files open | load |");
        text.AppendLine("| ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var sample in o.Memory)
        {
            Line($"| {sample.Seconds:F0} | {sample.ResidentBytes / MiB:F1} | {(sample.GcHeapBytes is { } h ? (h / MiB).ToString("F1", CultureInfo.InvariantCulture) : "n/a")} | {sample.FullCollections} | {sample.SqliteFilesOpen} | {sample.LoadAverage} |");
        }

        return text.ToString();
    }

    private static void List(string title, IReadOnlyList<string> items, StringBuilder text)
    {
        if (items.Count == 0)
        {
            return;
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"### {title} ({items.Count})");
        text.AppendLine();
        foreach (var item in items.Take(50))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {item}");
        }

        text.AppendLine();
    }
}
