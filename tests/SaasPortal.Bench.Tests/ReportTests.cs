using SaasPortal.Bench.Suite;

namespace SaasPortal.Bench.Tests;

public sealed class ReportTests
{
    [Fact]
    public void Quantiles_are_nearest_rank_over_the_sorted_latencies()
    {
        double[] sorted = [.. Enumerable.Range(1, 100).Select(i => (double)i)];

        Assert.Equal(50, Quantiles.At(sorted, 0.5));
        Assert.Equal(99, Quantiles.At(sorted, 0.99));
        Assert.Equal(100, Quantiles.At(sorted, 1.0));
        Assert.True(double.IsNaN(Quantiles.At([], 0.5)));
    }

    [Fact]
    public void The_distribution_stops_at_the_resolution_of_the_sample_and_ends_with_the_maximum()
    {
        double[] sorted = [.. Enumerable.Range(1, 100).Select(i => (double)i)];

        var distribution = Quantiles.Distribution(sorted);

        Assert.All(distribution.SkipLast(1), q => Assert.True(q.Quantile <= 0.99));
        Assert.Equal(new LatencyQuantile(1.0, 100), distribution[^1]);
    }

    [Fact]
    public void A_run_with_failures_is_not_a_result_and_the_report_says_so_first()
    {
        var failed = Report(["search_read 80 (XML-RPC, c=16): 3 errors, first: boom"]);
        var clean = Report([]);

        Assert.False(failed.IsResult);
        Assert.True(clean.IsResult);
        var markdown = MarkdownReport.Render(failed, []);
        Assert.Contains("NOT A RESULT", markdown.Split('\n').Take(5).Aggregate((a, b) => a + b), StringComparison.Ordinal);
        Assert.Contains("3 errors, first: boom", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("NOT A RESULT", MarkdownReport.Render(clean, []), StringComparison.Ordinal);
    }

    [Fact]
    public void The_report_names_the_command_it_came_from_with_its_options()
    {
        var markdown = MarkdownReport.Render(Report([]) with { Arguments = ["--seconds", "2", "--tenants", "500"] }, []);

        Assert.Contains("`dotnet run -c Release --project bench/SaasPortal.Bench -- all --seconds 2 --tenants 500`", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_target_is_printed_with_its_baseline_ratio_and_verdict()
    {
        var report = Report([]) with
        {
            Targets = [new TargetCheck("create_new_database median ≤ 2× the raw template copy", "postgres", 300, 100, "ms", 3, "≤ 2×", false)],
        };

        var markdown = MarkdownReport.Render(report, []);

        Assert.Contains("| create_new_database median ≤ 2× the raw template copy | postgres | 300 ms | 100 ms | 3.00× | ≤ 2× | **falls short** |", markdown, StringComparison.Ordinal);
    }

    private static SuiteReport Report(IReadOnlyList<string> failures) => new()
    {
        StartedAt = new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero),
        WallSeconds = 600,
        Machine = new MachineInfo
        {
            CpuModel = "test CPU",
            Cores = 2,
            MemoryBytes = 1L << 34,
            OperatingSystem = "test OS",
            DotNet = ".NET 10",
            GitCommit = "abc",
            GitDirty = false,
            LoadAverageAtStart = "0.1 0.1 0.1",
        },
        Options = SuiteOptions.Parse(["--quick"], "/repo"),
        Backends = [],
        Memory = null,
        TenantScale = null,
        Targets = [],
        Failures = failures,
        Skipped = [],
    };
}
