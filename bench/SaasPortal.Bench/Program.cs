using BenchmarkDotNet.Running;

// Every benchmark class in this assembly is reachable; pick with --filter (e.g. '*Codec*') and a job (e.g. --job short).
// Load benchmarks against the real server over HTTP have their own verbs; everything else is BenchmarkDotNet.
if (args is ["orm-http", ..])
{
    return await SaasPortal.Bench.Http.OrmHttpBenchmark.RunAsync(args[1..], CancellationToken.None);
}

if (args is ["tenants-memory", ..])
{
    return await SaasPortal.Bench.Http.TenantMemoryBenchmark.RunAsync(args[1..], CancellationToken.None);
}

if (args is ["all", ..])
{
    return await SaasPortal.Bench.Suite.AllCommand.RunAsync(args[1..], CancellationToken.None);
}

if (args is [SaasPortal.Bench.Suite.PlaintextCeiling.Verb, var url])
{
    return await SaasPortal.Bench.Suite.PlaintextCeiling.RunHostAsync(url);
}

if (args is ["soak", ..])
{
    return await SaasPortal.Bench.Soak.SoakCommand.RunAsync(args[1..], CancellationToken.None);
}

if (args is ["cluster", ..])
{
    return await SaasPortal.Bench.Http.ClusterBenchmark.RunAsync(args[1..], CancellationToken.None);
}

if (args is ["provisioning", ..])
{
    return await SaasPortal.Bench.Http.ProvisioningBenchmark.RunAsync(args[1..], CancellationToken.None);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
