using System.Globalization;
using System.Text;

namespace SaasPortal.Bench.Suite;

/// <summary>The human-readable report: machine, targets, then every figure beside its baseline and the ratio.</summary>
internal static class MarkdownReport
{
    public static string Render(SuiteReport report, IReadOnlyList<string> charts)
    {
        var md = new StringBuilder();
        var m = report.Machine;
        Line(md, $"# SaasPortal benchmarks, {report.StartedAt:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine();
        if (!report.IsResult)
        {
            Line(md, $"**NOT A RESULT: {report.Failures.Count} failure(s) — see the end of this report. Figures below are for diagnosis only.**");
            md.AppendLine();
        }

        Line(md, $"Command: `dotnet run -c Release --project bench/SaasPortal.Bench -- {string.Join(' ', ["all", .. report.Arguments])}` ({report.WallSeconds / 60:F1} min). How to read it: [docs/benchmarks/README.md](../../docs/benchmarks/README.md).");
        md.AppendLine();
        md.AppendLine("| machine | |");
        md.AppendLine("| --- | --- |");
        Line(md, $"| CPU | {m.CpuModel}, {m.Cores} cores |");
        Line(md, $"| RAM | {m.MemoryBytes / (1024.0 * 1024 * 1024):F1} GiB |");
        Line(md, $"| OS | {m.OperatingSystem} |");
        Line(md, $"| .NET | {m.DotNet} |");
        Line(md, $"| commit | {m.GitCommit}{(m.GitDirty ? " (with uncommitted changes)" : "")} |");
        Line(md, $"| load average (1, 5, 15 min) | start {m.LoadAverageAtStart}; end {m.LoadAverageAtEnd} |");
        foreach (var b in report.Backends.Where(b => b.ServerVersion is not null))
        {
            Line(md, $"| {b.Backend} | {b.ServerVersion} |");
        }

        Line(md, $"| settings | {report.Options.Seconds:0.##} s per throughput point, concurrency {string.Join(", ", report.Options.Concurrencies)} |");
        md.AppendLine();

        md.AppendLine("## Targets");
        md.AppendLine();
        md.AppendLine("| target | backend | measured | baseline | ratio | limit | verdict |");
        md.AppendLine("| --- | --- | ---: | ---: | ---: | --- | --- |");
        foreach (var t in report.Targets)
        {
            Line(md, $"| {t.Target} | {t.Backend} | {Number(t.Measured)} {t.Unit} | {Number(t.Baseline)} {t.Unit} | {(t.Limit.Contains('%', StringComparison.Ordinal) ? Percent(t.Ratio) : Ratio(t.Ratio))} | {t.Limit} | {(t.Pass ? "pass" : "**falls short**")} |");
        }

        md.AppendLine();
        if (report.Skipped.Count > 0)
        {
            foreach (var skipped in report.Skipped)
            {
                Line(md, $"- Not measured: {skipped}");
            }

            md.AppendLine();
        }

        Throughput(md, report);
        Provisioning(md, report);
        Modules(md, report);
        PortalSearch(md, report);
        MemoryAndScale(md, report);

        if (charts.Count > 0)
        {
            md.AppendLine("## Charts");
            md.AppendLine();
            foreach (var chart in charts)
            {
                Line(md, $"![{Path.GetFileNameWithoutExtension(chart)}]({Path.GetFileName(chart)})");
                md.AppendLine();
            }
        }

        if (report.Failures.Count > 0)
        {
            md.AppendLine("## Failures");
            md.AppendLine();
            foreach (var failure in report.Failures)
            {
                Line(md, $"- {failure}");
            }

            md.AppendLine();
        }

        return md.ToString();
    }

    private static void Throughput(StringBuilder md, SuiteReport report)
    {
        md.AppendLine("## RPC throughput against the plaintext ceiling");
        md.AppendLine();
        md.AppendLine("Closed loop: each of *c* workers sends its next call when the answer to the last one has arrived. Baseline: " +
                      "a plaintext Kestrel endpoint in its own process on the same host (13-byte answer), same load generator, measured right before each backend's points.");
        md.AppendLine();
        md.AppendLine("| backend | call | protocol | c | calls/s | plaintext calls/s | ratio | p50 ms | p90 ms | p99 ms | errors |");
        md.AppendLine("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var backend in report.Backends)
        {
            foreach (var p in backend.Plaintext)
            {
                Line(md, $"| {backend.Backend} | plaintext (ceiling) | HTTP | {p.Concurrency} | {p.CallsPerSecond:F0} | | | {p.P50Ms:F2} | {p.P90Ms:F2} | {p.P99Ms:F2} | {Errors(p)} |");
            }

            foreach (var p in backend.Throughput.OrderBy(p => p.Workload, StringComparer.Ordinal).ThenBy(p => p.Protocol, StringComparer.Ordinal).ThenBy(p => p.Concurrency))
            {
                var ceiling = backend.Plaintext.FirstOrDefault(c => c.Concurrency == p.Concurrency);
                Line(md, $"| {backend.Backend} | {p.Workload} | {p.Protocol} | {p.Concurrency} | {p.CallsPerSecond:F0} | {ceiling?.CallsPerSecond:F0} | {(ceiling is null ? "" : Percent(p.CallsPerSecond / ceiling.CallsPerSecond))} | {p.P50Ms:F2} | {p.P90Ms:F2} | {p.P99Ms:F2} | {Errors(p)} |");
            }
        }

        md.AppendLine();
        var held = report.Backends.Where(b => b.ConnectionsHeld is not null).Select(b => $"{b.Backend} {b.ConnectionsHeld}").ToList();
        if (held.Count > 0)
        {
            Line(md, $"Database connections the server held after the throughput run (SQLite: open database files; PostgreSQL: sessions): {string.Join("; ", held)}.");
            md.AppendLine();
        }
    }

    private static void Provisioning(StringBuilder md, SuiteReport report)
    {
        var rows = report.Backends.Where(b => b.Provisioning is not null).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        md.AppendLine("## create_new_database against the raw template copy");
        md.AppendLine();
        md.AppendLine("Sequential calls of `saas_portal.plan.create_new_database` over XML-RPC after 3 warm-up calls; baseline: the raw copy of the same " +
                      "template (SQLite: a file copy; PostgreSQL: `CREATE DATABASE … TEMPLATE`). Source: the `provisioning` verb.");
        md.AppendLine();
        md.AppendLine("| backend | calls | median ms | p99 ms | raw copy median ms | raw copy p99 ms | ratio (median) |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var b in rows)
        {
            var p = b.Provisioning!;
            Line(md, $"| {b.Backend} | {p.Calls} | {p.MedianMs:F1} | {p.P99Ms:F1} | {p.RawCopyMedianMs:F2} | {p.RawCopyP99Ms:F2} | {Ratio(p.MedianRatio)} |");
        }

        md.AppendLine();
    }

    private static void Modules(StringBuilder md, SuiteReport report)
    {
        var rows = report.Backends.Where(b => b.Modules is not null).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        md.AppendLine("## Installing and uninstalling sale against plain SQL");
        md.AppendLine();
        md.AppendLine("`button_immediate_install` / `button_immediate_uninstall` of sale (with mail, product, sales_team, account, auth_signup) over " +
                      "XML-RPC, each round on a fresh tenant; baseline: one transaction of plain `CREATE TABLE` for the same tables (no indexes, keys, metadata or data).");
        md.AppendLine();
        md.AppendLine("| backend | rounds | tables | install median ms | uninstall median ms | plain SQL median ms | install ratio | uninstall ratio |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var b in rows)
        {
            var f = b.Modules!;
            Line(md, $"| {b.Backend} | {f.Iterations} | {f.Tables} | {f.InstallMedianMs:F0} | {f.UninstallMedianMs:F0} | {f.PlainSqlMedianMs:F1} | {Ratio(f.InstallRatio)} | {Ratio(f.UninstallMedianMs / f.PlainSqlMedianMs)} |");
        }

        md.AppendLine();
    }

    private static void PortalSearch(StringBuilder md, SuiteReport report)
    {
        var rows = report.Backends.Where(b => b.PortalSearch is not null).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        md.AppendLine("## Portal search over many clients");
        md.AppendLine();
        md.AppendLine("`saas_portal.client` `search` over XML-RPC at concurrency 1 (the median is the per-call cost); baseline: the same calls when the table held few rows.");
        md.AppendLine();
        md.AppendLine("| backend | call | rows | p50 ms | p99 ms | baseline rows | baseline p50 ms | ratio (p50) | errors |");
        md.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var b in rows)
        {
            var f = b.PortalSearch!;
            foreach (var c in f.Calls)
            {
                Line(md, $"| {b.Backend} | `{c.Call}` | {f.LargeClients} | {c.Large.P50Ms:F2} | {c.Large.P99Ms:F2} | {f.SmallClients} | {c.Small.P50Ms:F2} | {Ratio(c.Ratio)} | {Errors(c.Small, c.Large)} |");
            }
        }

        md.AppendLine();
    }

    private static void MemoryAndScale(StringBuilder md, SuiteReport report)
    {
        if (report.Memory is { } memory)
        {
            md.AppendLine("## Memory per idle tenant (SQLite)");
            md.AppendLine();
            md.AppendLine("Source: the `tenants-memory` verb. Baseline: the server's resident size (VmRSS) with every tenant on disk and none opened; " +
                          "then each tenant serves one call and the server idles 5 s.");
            md.AppendLine();
            md.AppendLine("| tenants | RSS none opened (baseline) | RSS all opened, idle | per idle tenant | database files held open |");
            md.AppendLine("| ---: | ---: | ---: | ---: | ---: |");
            Line(md, $"| {memory.Tenants} | {memory.BaselineBytes / 1048576.0:F1} MiB | {memory.IdleBytes / 1048576.0:F1} MiB | {memory.BytesPerTenant / 1000:F1} KB | {memory.ConnectionsHeld?.ToString(CultureInfo.InvariantCulture) ?? "n/a"} |");
            md.AppendLine();
        }

        if (report.TenantScale is { } scale)
        {
            md.AppendLine("## Per-call cost as tenants grow (SQLite)");
            md.AppendLine();
            Line(md, $"`res.partner` `search_count` as admin over XML-RPC at concurrency 1, tenants copied from one fresh database. Baseline: {scale.SmallTenants} tenants on disk, all opened. Then {scale.LargeTenants} on disk, {scale.LargeOpened} of them opened.");
            md.AppendLine();
            md.AppendLine("| calls spread over | tenants on disk | p50 ms | p99 ms | baseline p50 ms | ratio (p50) | database files held open | errors |");
            md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            Line(md, $"| {scale.SmallTenants} opened tenants (baseline) | {scale.SmallTenants} | {scale.Spread.Small.P50Ms:F2} | {scale.Spread.Small.P99Ms:F2} | | | {scale.ConnectionsHeldSmall?.ToString(CultureInfo.InvariantCulture) ?? "n/a"} | {Errors(scale.Spread.Small)} |");
            Line(md, $"| the same {scale.SmallTenants} tenants | {scale.LargeTenants} | {scale.SameSet.Large.P50Ms:F2} | {scale.SameSet.Large.P99Ms:F2} | {scale.SameSet.Small.P50Ms:F2} | {Ratio(scale.SameSet.Ratio)} | | {Errors(scale.SameSet.Large)} |");
            Line(md, $"| all {scale.LargeOpened} opened tenants | {scale.LargeTenants} | {scale.Spread.Large.P50Ms:F2} | {scale.Spread.Large.P99Ms:F2} | {scale.Spread.Small.P50Ms:F2} | {Ratio(scale.Spread.Ratio)} | {scale.ConnectionsHeldLarge?.ToString(CultureInfo.InvariantCulture) ?? "n/a"} | {Errors(scale.Spread.Large)} |");
            md.AppendLine();
        }
    }

    private static string Errors(params ThroughputPoint[] points)
    {
        var errors = points.Sum(p => p.Errors);
        var first = points.Select(p => p.FirstError).FirstOrDefault(e => e is not null);
        return first is null ? errors.ToString(CultureInfo.InvariantCulture) : $"**{errors}** ({first.Replace('|', '/')})";
    }

    private static string Number(double value) =>
        value >= 100 ? value.ToString("N0", CultureInfo.InvariantCulture) : value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Ratio(double value) => value.ToString("0.00", CultureInfo.InvariantCulture) + "×";

    private static string Percent(double value) => value.ToString("P1", CultureInfo.InvariantCulture);

    private static void Line(StringBuilder md, FormattableString text) => md.AppendLine(FormattableString.Invariant(text));
}
