using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SaasPortal.Bench.Http;

/// <summary>The real server process, started from its build output on a free loopback port with a throwaway data directory.</summary>
internal sealed class ServerUnderTest : IAsyncDisposable
{
    private readonly Process _process;

    private ServerUnderTest(Process process, string url, string dataDirectory)
    {
        _process = process;
        Url = url;
        DataDirectory = dataDirectory;
    }

    public string Url { get; }

    public string DataDirectory { get; }

    public int ProcessId => _process.Id;

    public string MasterPassword => File.ReadAllText(Path.Combine(DataDirectory, "master-password")).Trim();

    /// <summary>Resident memory of the server process, from /proc (Linux).</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("VmRSS not found");
    }

    /// <summary>
    /// Starts the server. <paramref name="environment"/> adds variables (e.g. a Debug log level for one category);
    /// <paramref name="onOutput"/> sees every line the server writes to standard output.
    /// </summary>
    public static async Task<ServerUnderTest> StartAsync(string configuration, IEnumerable<string> extraArguments, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null, Action<string>? onOutput = null)
    {
        var root = RepositoryRoot();
        var assembly = Path.Combine(root, "src", "SaasPortal.Server", "bin", configuration, "net10.0", "saasportal.dll");
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException($"Build the server first: dotnet build -c {configuration} src/SaasPortal.Server", assembly);
        }

        var dataDirectory = Path.Combine(Path.GetTempPath(), "saasportal-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dataDirectory);
        var url = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dataDirectory };
        foreach (var argument in (string[])[assembly, "serve", "--urls", url, "--data-dir", dataDirectory, .. extraArguments])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { onOutput?.Invoke(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine("server: " + e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerUnderTest(process, url, dataDirectory);
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            try
            {
                var rpc = new XmlRpcHttp(http, url);
                await rpc.CallAsync("common", "version", [], cancellationToken);
                return server;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(200, cancellationToken);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing a benchmark over.
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SaasPortal.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run the benchmark from inside the repository.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
