using SaasPortal.Bench.Suite;

namespace SaasPortal.Bench.Tests;

public sealed class TargetsTests
{
    [Theory]
    [InlineData(250, true)]
    [InlineData(249, false)]
    public void Search_read_at_concurrency_16_must_reach_a_quarter_of_the_plaintext_ceiling(double callsPerSecond, bool pass)
    {
        var check = Single(Backend(searchRead: callsPerSecond, version: 1000), "search_read");

        Assert.Equal(pass, check.Pass);
        Assert.Equal(callsPerSecond / 1000, check.Ratio, 6);
    }

    [Theory]
    [InlineData(500, true)]
    [InlineData(499, false)]
    public void Version_at_concurrency_16_must_reach_half_of_the_plaintext_ceiling(double callsPerSecond, bool pass) =>
        Assert.Equal(pass, Single(Backend(searchRead: 1000, version: callsPerSecond), "version").Pass);

    [Fact]
    public void Throughput_is_compared_with_the_ceiling_at_the_same_concurrency()
    {
        // At concurrency 1 the ceiling is low, so a comparison there would pass; the target is read at 16.
        var backend = Backend(searchRead: 100, version: 1000) with
        {
            Plaintext = [Point("plaintext", "HTTP", 1, 200), Point("plaintext", "HTTP", 16, 1000)],
        };

        var check = Single(backend, "search_read");

        Assert.False(check.Pass);
        Assert.Equal(1000, check.Baseline);
    }

    [Theory]
    [InlineData(200, 100, true)]
    [InlineData(201, 100, false)]
    public void Create_new_database_must_stay_within_twice_the_raw_copy(double medianMs, double rawMs, bool pass)
    {
        var backend = Backend(1000, 1000) with { Provisioning = new ProvisioningFigure(10, medianMs, medianMs, rawMs, rawMs) };

        Assert.Equal(pass, Single(backend, "create_new_database").Pass);
    }

    [Theory]
    [InlineData(99_999L, true)]
    [InlineData(100_000L, false)]
    public void An_idle_tenant_must_cost_less_than_100_KB(long bytesPerTenant, bool pass)
    {
        var memory = new MemoryFigure(1000, 300_000_000, 300_000_000 + bytesPerTenant * 1000, 1000);

        var check = Assert.Single(Targets.Check([], memory, null));

        Assert.Equal(pass, check.Pass);
    }

    [Theory]
    [InlineData(1.2, true)]
    [InlineData(1.21, false)]
    public void Per_call_cost_at_many_tenants_must_stay_within_1_2_times_that_at_few(double largeMs, bool pass)
    {
        var small = Point("search_count", "XML-RPC", 1, 1000, p50: 1);
        var large = Point("search_count", "XML-RPC", 1, 800, p50: largeMs);
        var scale = new TenantScaleFigure(100, 10_000, 1000, new ScaleComparison("spread", small, large), new ScaleComparison("same", small, small), 100, 1000);

        Assert.Equal(pass, Assert.Single(Targets.Check([], null, scale)).Pass);
    }

    private static TargetCheck Single(BackendReport backend, string about) =>
        Assert.Single(Targets.Check([backend], null, null), t => t.Target.Contains(about, StringComparison.Ordinal));

    private static BackendReport Backend(double searchRead, double version) => new()
    {
        Backend = "sqlite",
        Plaintext = [Point("plaintext", "HTTP", 16, 1000)],
        Throughput =
        [
            Point(RpcThroughputWorkload.SearchRead, RpcThroughputWorkload.XmlRpc, 16, searchRead),
            Point(RpcThroughputWorkload.SearchRead, RpcThroughputWorkload.JsonRpc, 16, 100_000),
            Point(RpcThroughputWorkload.Version, RpcThroughputWorkload.XmlRpc, 16, version),
        ],
    };

    internal static ThroughputPoint Point(string workload, string protocol, int concurrency, double callsPerSecond, double p50 = 1, long errors = 0) =>
        new(workload, protocol, concurrency, callsPerSecond, (long)callsPerSecond, errors, errors > 0 ? "boom" : null, p50, p50, p50, p50, []);
}
