using System.Diagnostics;
using System.Net;
using System.Text;
using SaasPortal.Testing;

namespace SaasPortal.Cli.Tests;

/// <summary>
/// The self-contained single-file executable, published once for this class by <c>scripts/publish-smoke.sh
/// --publish-only</c> (or taken from SAASPORTAL_PUBLISHED_SERVER, a folder that script wrote, to skip the minutes a
/// publish takes on two cores).
/// </summary>
public sealed class PublishedServerFixture : IAsyncLifetime
{
    private string? _temporary;

    /// <summary>The folder holding <c>saasportal</c> and its <c>addons/</c>.</summary>
    public string Folder { get; private set; } = "";

    /// <summary>How long publishing took (zero when a folder was given).</summary>
    public TimeSpan PublishTime { get; private set; }

    public async ValueTask InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("SAASPORTAL_PUBLISHED_SERVER") is { Length: > 0 } given)
        {
            Folder = given;
            return;
        }

        _temporary = Path.Combine(Path.GetTempPath(), "saasportal-publish-" + Guid.NewGuid().ToString("N")[..8]);
        Folder = Path.Combine(_temporary, "out");
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryPaths.Root,
        };
        start.ArgumentList.Add(Path.Combine(RepositoryPaths.Root, "scripts", "publish-smoke.sh"));
        start.ArgumentList.Add("--publish-only");
        start.ArgumentList.Add(Folder);
        start.Environment["DOTNET_NOLOGO"] = "1";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        var stdout = process.StandardOutput.ReadToEndAsync(limit.Token);
        var stderr = process.StandardError.ReadToEndAsync(limit.Token);
        await process.WaitForExitAsync(limit.Token);
        PublishTime = clock.Elapsed;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"publish-smoke.sh --publish-only exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }
    }

    public ValueTask DisposeAsync()
    {
        if (_temporary is not null && Directory.Exists(_temporary))
        {
            Directory.Delete(_temporary, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// "The published single-file executable starts and serves on a clean machine without the SDK": it runs with an
/// environment holding nothing but a PATH without <c>dotnet</c> and HOME, answers version(), a login over XML-RPC and
/// /health/ready, and never maps a file of the installed .NET into its memory.
/// </summary>
public sealed class PublishedServerTests(PublishedServerFixture published) : IClassFixture<PublishedServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Published_executable_serves_xml_rpc_and_health_without_the_sdk_or_runtime_installed()
    {
        var executable = Path.Combine(published.Folder, "saasportal");
        Assert.True(File.Exists(executable), $"no executable at {executable}");
        Assert.True(File.Exists(Path.Combine(published.Folder, "addons", "saas_portal", "__manifest__.json")), "the addons are not beside the executable");
        TestContext.Current.SendDiagnosticMessage($"published in {published.PublishTime.TotalSeconds:0} s; executable {new FileInfo(executable).Length / (1024 * 1024)} MB");

        var home = Path.Combine(Path.GetTempPath(), "saasportal-clean-" + Guid.NewGuid().ToString("N")[..8]);
        var data = Path.Combine(home, "data");
        Directory.CreateDirectory(data);
        var url = $"http://127.0.0.1:{LoopbackPort.Free()}";
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = data,
        };
        foreach (var argument in (string[])["serve", "--urls", url, "--data-dir", data])
        {
            start.ArgumentList.Add(argument);
        }

        // A clean machine: no DOTNET_ROOT, no SDK on PATH, nothing of the test runner's environment.
        start.Environment.Clear();
        start.Environment["PATH"] = "/nonexistent";
        start.Environment["HOME"] = home;
        var output = new StringBuilder();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("the published executable did not start");
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
            var version = await WaitForVersionAsync(http, process, output);
            var login = await XmlRpcAsync(http, "common", "login", "<param><value><string>portal</string></value></param>"
                + "<param><value><string>admin</string></value></param><param><value><string>admin</string></value></param>");
            using var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative), Ct);
            var maps = await File.ReadAllTextAsync($"/proc/{process.Id}/maps", Ct);

            Assert.Contains("<name>server_version</name>", version, StringComparison.Ordinal);
            Assert.Matches(@"<value><int>\d+</int></value>", login);
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            // The test runner itself runs on the installed runtime: the server must not have loaded a file from there.
            var installedRuntime = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(typeof(object).Assembly.Location))))!;
            Assert.DoesNotContain(installedRuntime, maps, StringComparison.Ordinal);
            Assert.Contains(executable, maps, StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }

            Directory.Delete(home, recursive: true);
        }
    }

    private static async Task<string> WaitForVersionAsync(HttpClient http, Process process, StringBuilder output)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                Assert.Fail($"the published server exited with {process.ExitCode}:\n{output}");
            }

            try
            {
                return await XmlRpcAsync(http, "common", "version", "");
            }
            catch (HttpRequestException) when (deadline.Elapsed < TimeSpan.FromSeconds(90))
            {
                await Task.Delay(200, Ct);
            }
        }
    }

    private static async Task<string> XmlRpcAsync(HttpClient http, string service, string method, string parameters)
    {
        using var content = new StringContent(
            $"<?xml version='1.0'?><methodCall><methodName>{method}</methodName><params>{parameters}</params></methodCall>", Encoding.UTF8, "text/xml");
        using var response = await http.PostAsync(new Uri("/xmlrpc/2/" + service, UriKind.Relative), content, Ct);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(Ct);
    }
}
