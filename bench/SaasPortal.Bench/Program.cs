using BenchmarkDotNet.Running;

// Every benchmark class in this assembly is reachable; pick with --filter (e.g. '*Codec*') and a job (e.g. --job short).
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
