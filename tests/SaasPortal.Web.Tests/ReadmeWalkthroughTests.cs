using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SaasPortal.Testing;

namespace SaasPortal.Web.Tests;

/// <summary>
/// The README's quick start, walked as a new user would: the blocks marked <c>&lt;!-- walkthrough: step --&gt;</c> in
/// README.md are read and run in order — install, start the server, sign a customer up and create their database,
/// list it as the operator, open it in the browser — against a fresh <c>serve</c> and headless Chromium. Only the
/// port and the data folder differ from what the README shows; a block the test cannot run fails it, so the README
/// cannot drift away from what works.
/// </summary>
public sealed partial class ReadmeWalkthroughTests
{
    /// <summary>How the README runs the server executable; the test runs the built one with the same arguments.</summary>
    private const string RunPrefix = "dotnet run --project src/SaasPortal.Server -- ";

    private const string ReadmeUrl = "http://localhost:8069";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_new_user_following_the_readme_ends_logged_into_the_new_database_home_page()
    {
        var steps = await ReadStepsAsync();
        Assert.Equal(["install", "start", "signup", "operator", "open"], steps.Select(s => s.Name));
        var data = Path.Combine(Path.GetTempPath(), "saasportal-walkthrough-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await InstallAsync(steps[0]);
            await using var server = await StartAsync(steps[1], data);
            var customer = await SignUpAsync(steps[2], server);
            await OperatorAsync(steps[3], data);
            await OpenAsync(steps[4], server, customer);
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    /// <summary>The SDK check runs; the build it names is the one the test command already made.</summary>
    private static async Task InstallAsync(Step step)
    {
        foreach (var line in step.Lines)
        {
            switch (line)
            {
                case "dotnet --version":
                    var version = await RunAsync("dotnet", ["--version"], RepositoryPaths.Root);
                    Assert.True(version.ExitCode == 0, version.Output);
                    Assert.True(int.Parse(version.Output.Split('.')[0], System.Globalization.CultureInfo.InvariantCulture) >= 10, version.Output);
                    break;
                case "dotnet build src/SaasPortal.Server":
                    Assert.True(File.Exists(RepositoryPaths.ServerAssembly), "the server is not built: " + RepositoryPaths.ServerAssembly);
                    break;
                default:
                    Assert.Fail($"the walkthrough test does not know the install command '{line}'");
                    break;
            }
        }
    }

    private static async Task<ServerProcess> StartAsync(Step step, string data)
    {
        var line = Assert.Single(step.Lines);
        Assert.StartsWith(RunPrefix + "serve", line, StringComparison.Ordinal);
        // ServerProcess adds --urls and --data-dir (a free port, a temporary folder) to serve's own arguments.
        var arguments = line[(RunPrefix + "serve").Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return await ServerProcess.StartAsync(data, arguments, Ct);
    }

    /// <summary>Runs the sign-up script; returns the customer's name it signs up.</summary>
    private static async Task<string> SignUpAsync(Step step, ServerProcess server)
    {
        Assert.Equal("python", step.Language);
        var result = await PythonScript.RunAsync(step.Code.Replace(ReadmeUrl, server.Url, StringComparison.Ordinal), [], Ct);

        Assert.True(result.ExitCode == 0, result + "\n--- server\n" + server.Output);
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // create_new_database's answer, then the owner's uid in the new database (False would mean the login failed).
        Assert.Contains("'client_id'", lines[^2], StringComparison.Ordinal);
        Assert.Matches(@"^\d+$", lines[^1]);
        return SignedUpName().Match(step.Code).Groups["name"].Value;
    }

    private static async Task OperatorAsync(Step step, string data)
    {
        foreach (var line in step.Lines)
        {
            Assert.StartsWith(RunPrefix, line, StringComparison.Ordinal);
            var arguments = line[RunPrefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var result = await RunAsync("dotnet", [RepositoryPaths.ServerAssembly, .. arguments, "--data-dir", data], data);

            Assert.True(result.ExitCode == 0, result.Output);
            Assert.Contains("shop.localhost", result.Output, StringComparison.Ordinal);
        }
    }

    private static async Task OpenAsync(Step step, ServerProcess server, string customer)
    {
        var open = OpenLine().Match(step.Code);
        Assert.True(open.Success, "the open step shows no 'URL    Login: …    Password: …' line: " + step.Code);
        var port = new Uri(server.Url).Port;
        var address = open.Groups["url"].Value.Replace(":8069", ":" + port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var home = address[..address.IndexOf("/web/login", StringComparison.Ordinal)] + "/web";

        using var playwright = await Playwright.CreateAsync();
        await using var chromium = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("SAASPORTAL_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
        var page = await (await chromium.NewContextAsync()).NewPageAsync();
        await page.GotoAsync(address);
        await page.GetByLabel("Login").FillAsync(open.Groups["login"].Value);
        await page.GetByLabel("Password").FillAsync(open.Groups["password"].Value);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(home);
        await Assertions.Expect(page.GetByText($"Welcome, {customer}.")).ToBeVisibleAsync();
    }

    private static async Task<List<Step>> ReadStepsAsync()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "README.md"), Ct);
        return [.. MarkedBlock().Matches(readme).Select(m => new Step(m.Groups["step"].Value, m.Groups["lang"].Value, m.Groups["code"].Value))];
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException(file + " did not start");
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(TimeSpan.FromMinutes(2));
        var stdout = process.StandardOutput.ReadToEndAsync(limit.Token);
        var stderr = process.StandardError.ReadToEndAsync(limit.Token);
        await process.WaitForExitAsync(limit.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>A marked block: its step name, language and code.</summary>
    private sealed record Step(string Name, string Language, string Code)
    {
        /// <summary>The commands of a shell block, without blank lines.</summary>
        public IReadOnlyList<string> Lines => [.. Code.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    [GeneratedRegex(@"<!-- walkthrough: (?<step>[a-z]+) -->\s*```(?<lang>[a-z]+)\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex MarkedBlock();

    [GeneratedRegex(@"'signup', \[\{[^}]*'name': '(?<name>[^']+)'")]
    private static partial Regex SignedUpName();

    [GeneratedRegex(@"^(?<url>http://\S+/web/login)\s+Login: (?<login>\S+)\s+Password: (?<password>.+?)\s*$", RegexOptions.Multiline)]
    private static partial Regex OpenLine();
}
