using System.Globalization;
using SaasPortal.Bench.Http;

namespace SaasPortal.Bench.Suite;

/// <summary>create_new_database against the raw template copy: the <c>provisioning</c> verb, run for its figures.</summary>
internal static class ProvisioningWorkload
{
    public static async Task<ProvisioningFigure> RunAsync(BackendTarget backend, SuiteOptions options, CancellationToken cancellationToken)
    {
        List<string> args = ["--backend", backend.Name, "--calls", options.ProvisioningCalls.ToString(CultureInfo.InvariantCulture)];
        if (backend.PostgresConnectionString is { } pg)
        {
            args.AddRange(["--pg", pg]);
        }

        ProvisioningMeasurement? measured = null;
        var exit = await ProvisioningBenchmark.RunAsync([.. args], cancellationToken, m => measured = m);
        return exit == 0 && measured is { } m
            ? new ProvisioningFigure(m.Calls, m.MedianMs, m.P99Ms, m.RawCopyMedianMs, m.RawCopyP99Ms)
            : throw new InvalidOperationException($"the provisioning benchmark ended with {exit} and no figures");
    }
}

/// <summary>Resident bytes per idle tenant (SQLite): the <c>tenants-memory</c> verb, plus the database files the server holds open.</summary>
internal static class MemoryWorkload
{
    public static async Task<MemoryFigure> RunAsync(SuiteOptions options, CancellationToken cancellationToken)
    {
        MemoryFigure? figure = null;
        List<string> args = ["--count", options.MemoryTenants.ToString(CultureInfo.InvariantCulture)];
        if (options.Quick)
        {
            // A smoke run does not wait for the server to close idle pools (the verb's default waits 100 s).
            args.AddRange(["--idle-seconds", "5"]);
        }

        var exit = await TenantMemoryBenchmark.RunAsync([.. args], cancellationToken,
            m => figure = new MemoryFigure(m.Tenants, m.BaselineBytes, m.IdleBytes, BenchServer.OpenSqliteFiles(m.ServerProcessId)));
        return exit == 0 && figure is not null ? figure : throw new InvalidOperationException($"the tenants-memory benchmark ended with {exit} and no figures");
    }
}
