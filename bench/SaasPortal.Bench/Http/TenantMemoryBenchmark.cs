using System.Diagnostics;
using System.Globalization;

namespace SaasPortal.Bench.Http;

/// <summary>
/// Issue 3's memory figure: resident bytes the server spends per idle tenant once a thousand tenants with the same
/// modules have each served a call (so each has its credentials checked, its registry looked up and its pool opened).
/// The baseline is the same server's resident size with the same tenants on disk before any was opened. Read twice:
/// 5 s after the calls (every pool still open) and once the server has closed the idle pools (IdlePoolSeconds, 60 s
/// by default, plus one sweep).
/// <code>dotnet run -c Release --project bench/SaasPortal.Bench -- tenants-memory [--count 1000] [--idle-seconds 100]</code>
/// </summary>
internal static class TenantMemoryBenchmark
{
    private const string Admin = "admin";

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken, Action<TenantMemoryMeasurement>? measured = null)
    {
        var count = int.Parse(OrmHttpBenchmark.Option(args, "--count") ?? "1000", CultureInfo.InvariantCulture);
        var idleSeconds = int.Parse(OrmHttpBenchmark.Option(args, "--idle-seconds") ?? "100", CultureInfo.InvariantCulture);
        await using var server = await ServerUnderTest.StartAsync("Release", [], cancellationToken);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 });
        var rpc = new XmlRpcHttp(http, server.Url);
        var master = server.MasterPassword;
        var source = "mem-source";
        await rpc.CallAsync("db", "create_database", [master, source, false, "en_US", Admin], cancellationToken);

        var clock = Stopwatch.StartNew();
        var names = Enumerable.Range(1, count).Select(i => $"mem-{i:D5}").ToList();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (name, ct) => await rpc.CallAsync("db", "duplicate_database", [master, source, name], ct));
        Console.WriteLine($"duplicated {count} tenants in {clock.Elapsed.TotalSeconds:F0} s");

        await Task.Delay(2000, cancellationToken);
        var before = server.ResidentBytes();
        clock.Restart();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (name, ct) =>
        {
            if (await rpc.CallAsync("object", "execute_kw", [name, 1, Admin, "res.partner", "search_count", new List<object?> { new List<object?>() }], ct) is not int)
            {
                throw new InvalidOperationException("search_count did not answer a number");
            }
        });
        Console.WriteLine($"opened {count} tenants (one call each) in {clock.Elapsed.TotalSeconds:F0} s");
        await Task.Delay(5000, cancellationToken);
        var afterCalls = server.ResidentBytes();
        await Task.Delay(TimeSpan.FromSeconds(Math.Max(0, idleSeconds - 5)), cancellationToken);
        var after = server.ResidentBytes();

        Console.WriteLine();
        Console.WriteLine($"Tenants: {count}; {Environment.ProcessorCount} cores; {DateTime.UtcNow:yyyy-MM-dd}");
        Console.WriteLine("| figure | value |");
        Console.WriteLine("| --- | ---: |");
        Console.WriteLine($"| server RSS, tenants on disk, none opened (baseline) | {before / 1048576.0:F1} MiB |");
        Console.WriteLine($"| server RSS, every tenant opened, 5 s after the calls (pools open) | {afterCalls / 1048576.0:F1} MiB |");
        Console.WriteLine($"| resident bytes per tenant, pools open | {(afterCalls - before) / (double)count / 1024:F1} KiB |");
        Console.WriteLine($"| server RSS, every tenant opened, idle {idleSeconds} s (idle pools closed) | {after / 1048576.0:F1} MiB |");
        Console.WriteLine($"| resident bytes per idle tenant | {(after - before) / (double)count / 1024:F1} KiB (target < 100 KB) |");
        measured?.Invoke(new TenantMemoryMeasurement(count, before, after, server.ProcessId));
        return 0;
    }
}
