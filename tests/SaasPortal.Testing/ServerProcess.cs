using System.Diagnostics;
using System.Net;
using System.Text;

namespace SaasPortal.Testing;

/// <summary>
/// The real server: <c>dotnet saasportal.dll serve --urls http://127.0.0.1:&lt;free port&gt; --data-dir &lt;temp&gt; …</c>
/// started as a child process, ready once it answers common.version() over HTTP, and killed on dispose.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly CapturedProcess _process;

    private ServerProcess(CapturedProcess process, string url, string dataDirectory)
    {
        _process = process;
        Url = url;
        DataDirectory = dataDirectory;
    }

    /// <summary>Base URL, e.g. http://127.0.0.1:45123 (no trailing slash).</summary>
    public string Url { get; }

    /// <summary>The server's data directory.</summary>
    public string DataDirectory { get; }

    /// <summary>Whether the process is still alive.</summary>
    public bool IsRunning => !_process.HasExited;

    /// <summary>Everything the server printed so far (for failure messages).</summary>
    public string Output => _process.Output;

    /// <summary>The master password the server generated into its data directory on first start.</summary>
    public string ReadMasterPassword() => File.ReadAllText(Path.Combine(DataDirectory, "master-password")).Trim();

    /// <summary>Starts the server with <paramref name="arguments"/> after serve's --urls and --data-dir, and waits until it answers.</summary>
    public static async Task<ServerProcess> StartAsync(string dataDirectory, IEnumerable<string> arguments, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        Directory.CreateDirectory(dataDirectory);
        var url = $"http://127.0.0.1:{LoopbackPort.Free()}";
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = dataDirectory };
        foreach (var argument in (string[])[RepositoryPaths.ServerAssembly, "serve", "--urls", url, "--data-dir", dataDirectory, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__SaasPortal"] = "Information";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var server = new ServerProcess(CapturedProcess.Start(start), url, dataDirectory);
        try
        {
            await server.WaitUntilReadyAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the server and waits for it to go.</summary>
    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        const string versionCall = "<?xml version='1.0'?><methodCall><methodName>version</methodName><params></params></methodCall>";
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync(cancellationToken);
                throw new InvalidOperationException($"The server exited with code {_process.ExitCode} before it was ready:\n{Output}");
            }

            try
            {
                using var content = new StringContent(versionCall, Encoding.UTF8, "text/xml");
                using var response = await http.PostAsync(Url + "/xmlrpc/2/common", content, cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Slow first answer; try again.
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"The server did not answer within {StartTimeout}:\n{Output}");
    }
}
