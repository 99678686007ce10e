using SaasPortal.Bench.Suite;

namespace SaasPortal.Bench.Tests;

public sealed class SuiteOptionsTests
{
    private const string Root = "/repo";

    [Fact]
    public void Default_run_measures_both_backends_at_concurrency_1_16_and_64_and_writes_into_bench_results()
    {
        var options = SuiteOptions.Parse([], Root);

        Assert.False(options.Quick);
        Assert.True(options.Sqlite);
        Assert.True(options.Postgres);
        Assert.Equal([1, 16, 64], options.Concurrencies);
        Assert.Equal(1000, options.MemoryTenants);
        Assert.Equal((100, 10_000), (options.SmallTenantCount, options.LargeTenantCount));
        Assert.Equal(100_000, options.Clients);
        Assert.Equal(Path.Combine(Root, "bench", "results"), options.OutputDirectory);
    }

    [Fact]
    public void Quick_shrinks_every_workload_and_stays_on_sqlite_unless_told_otherwise()
    {
        var quick = SuiteOptions.Parse(["--quick"], Root);
        var both = SuiteOptions.Parse(["--quick", "--backend", "both"], Root);

        Assert.True(quick.Quick);
        Assert.True(quick.Seconds < 1);
        Assert.True(quick.MemoryTenants < 100);
        Assert.True(quick.LargeTenantCount < 1000);
        Assert.False(quick.Postgres);
        Assert.True(both.Postgres);
    }

    [Fact]
    public void Explicit_values_win_over_the_defaults_and_the_opened_count_never_exceeds_the_tenants_on_disk()
    {
        var options = SuiteOptions.Parse(["--seconds", "1.5", "--concurrency", "2,8", "--scale-tenants", "10,50", "--scale-open", "500", "--out", "/tmp/x"], Root);

        Assert.Equal(1.5, options.Seconds);
        Assert.Equal([2, 8], options.Concurrencies);
        Assert.Equal(50, options.LargeTenantsOpened);
        Assert.Equal("/tmp/x", options.OutputDirectory);
    }

    [Theory]
    [InlineData("--backend", "mysql")]
    [InlineData("--scale-tenants", "100")]
    [InlineData("--scale-tenants", "1000,100")]
    [InlineData("--seconds", "0")]
    [InlineData("--tenants", "0")]
    [InlineData("--no-such-option", "1")]
    public void Invalid_options_are_refused(string name, string value) =>
        Assert.Throws<ArgumentException>(() => SuiteOptions.Parse([name, value], Root));
}
