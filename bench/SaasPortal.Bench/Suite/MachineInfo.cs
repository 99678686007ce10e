using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace SaasPortal.Bench.Suite;

/// <summary>What the figures depend on: the machine, the runtime, the commit and how busy the machine was.</summary>
internal sealed record MachineInfo
{
    public required string CpuModel { get; init; }

    public required int Cores { get; init; }

    public required long MemoryBytes { get; init; }

    public required string OperatingSystem { get; init; }

    public required string DotNet { get; init; }

    public required string GitCommit { get; init; }

    /// <summary>Tracked files differed from the commit when the run started.</summary>
    public required bool GitDirty { get; init; }

    public required string LoadAverageAtStart { get; init; }

    public string LoadAverageAtEnd { get; init; } = "";

    public static async Task<MachineInfo> CaptureAsync(string repositoryRoot, CancellationToken cancellationToken)
    {
        var commit = await GitAsync(repositoryRoot, ["rev-parse", "HEAD"], cancellationToken);
        var status = await GitAsync(repositoryRoot, ["status", "--porcelain", "--untracked-files=no"], cancellationToken);
        return new MachineInfo
        {
            CpuModel = ProcField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
            Cores = Environment.ProcessorCount,
            MemoryBytes = ProcField("/proc/meminfo", "MemTotal") is { } total
                ? long.Parse(total.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture) * 1024
                : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
            OperatingSystem = OsName(),
            DotNet = RuntimeInformation.FrameworkDescription,
            GitCommit = commit.Length > 0 ? commit : "unknown",
            GitDirty = status.Length > 0,
            LoadAverageAtStart = LoadAverage(),
        };
    }

    /// <summary>The 1, 5 and 15 minute load averages (Linux), or "n/a".</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string OsName()
    {
        const string key = "PRETTY_NAME=";
        var pretty = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal))?[key.Length..].Trim('"')
            : null;
        var kernel = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : null;
        return (pretty, kernel) switch
        {
            (null, _) => RuntimeInformation.OSDescription,
            (_, null) => pretty,
            _ => $"{pretty}, Linux {kernel}",
        };
    }

    private static string? ProcField(string file, string name) =>
        File.Exists(file)
            ? File.ReadLines(file).Select(l => l.Split(':', 2)).FirstOrDefault(p => p.Length == 2 && p[0].Trim() == name)?[1].Trim()
            : null;

    private static async Task<string> GitAsync(string directory, string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("git", arguments) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        try
        {
            using var git = Process.Start(start);
            if (git is null)
            {
                return "";
            }

            var output = await git.StandardOutput.ReadToEndAsync(cancellationToken);
            await git.WaitForExitAsync(cancellationToken);
            return git.ExitCode == 0 ? output.Trim() : "";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No git on the machine: the report says "unknown" rather than failing the run.
            return "";
        }
    }
}
