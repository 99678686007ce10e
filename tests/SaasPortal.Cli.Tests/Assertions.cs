namespace SaasPortal.Cli.Tests;

/// <summary>The command line's rules shared by every test.</summary>
internal static class Expect
{
    /// <summary>Exit code 0, nothing on standard error.</summary>
    public static CliResult Ok(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(result.Stderr.Trim().Length == 0, result.ToString());
        return result;
    }

    /// <summary>The documented exit code, one line on standard error that starts with "saasportal: " and names <paramref name="mentioned"/>, no stack trace.</summary>
    public static CliResult Failure(CliResult result, int exitCode, string mentioned)
    {
        Assert.True(result.ExitCode == exitCode, result.ToString());
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("saasportal: ", line, StringComparison.Ordinal);
        Assert.Contains(mentioned, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        return result;
    }

    public static string[] On(string dataDirectory, params string[] arguments) => [.. arguments, "--data-dir", dataDirectory];
}
