using System.Text.RegularExpressions;
using SaasPortal.Testing;

namespace SaasPortal.Cli.Tests;

/// <summary>The README's quick start, run as written: a fresh server, sign-up, a new database, and logging into it.</summary>
public sealed partial class ReadmeQuickStartTests
{
    [Fact]
    public async Task The_readme_sell_a_database_snippet_runs_against_a_fresh_server()
    {
        var ct = TestContext.Current.CancellationToken;
        var readme = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "README.md"), ct);
        var snippet = SellSection().Match(readme);
        Assert.True(snippet.Success, "README.md has no ```python block under '## Sell a database'");
        var data = Path.Combine(Path.GetTempPath(), "saasportal-readme-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using var server = await ServerProcess.StartAsync(data, [], ct);
            // The README talks to the default address; the test server listens on a free port.
            var script = snippet.Groups["code"].Value.Replace("http://localhost:8069", server.Url, StringComparison.Ordinal);

            var result = await PythonScript.RunAsync(script, [], ct);

            Assert.True(result.ExitCode == 0, result.ToString());
            var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            // create_new_database's answer, then the owner's uid in the new database (False would mean the login failed).
            Assert.Contains("'client_id'", lines[^2], StringComparison.Ordinal);
            Assert.Matches(@"^\d+$", lines[^1]);
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    [GeneratedRegex(@"## Sell a database.*?```python\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex SellSection();
}
