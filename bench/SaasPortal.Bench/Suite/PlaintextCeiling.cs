using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SaasPortal.Bench.Suite;

/// <summary>
/// The ceiling of the HTTP stack: Kestrel answering every POST with a fixed 13-byte body after draining the request,
/// in a process of its own on the same host (started as this executable's hidden <c>plaintext-ceiling</c> verb), so
/// it is measured exactly like the server: same load generator, same loopback, a separate process and its own GC.
/// </summary>
internal sealed class PlaintextCeiling : IAsyncDisposable
{
    public const string Verb = "plaintext-ceiling";

    private static readonly byte[] Body = "Hello, World!"u8.ToArray();

    private readonly Process _process;

    private PlaintextCeiling(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }

    /// <summary>Starts the ceiling process with server GC, as the real server (an ASP.NET Core app) runs.</summary>
    public static async Task<PlaintextCeiling> StartAsync(CancellationToken cancellationToken)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet") { UseShellExecute = false, RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(start.FileName) == "dotnet")
        {
            start.ArgumentList.Add(typeof(PlaintextCeiling).Assembly.Location);
        }

        start.ArgumentList.Add(Verb);
        start.ArgumentList.Add(url);
        start.Environment["DOTNET_gcServer"] = "1";
        var process = Process.Start(start) ?? throw new InvalidOperationException("the plaintext process did not start");
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        var ceiling = new PlaintextCeiling(process, url);
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            try
            {
                await ceiling.CallAsync(http, [], cancellationToken);
                return ceiling;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    /// <summary>One call: POST <paramref name="body"/>, expect the fixed answer.</summary>
    public async Task CallAsync(HttpClient http, byte[] body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        using var response = await http.PostAsync(Url + "/", content, cancellationToken);
        response.EnsureSuccessStatusCode();
        var answer = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (answer.Length != Body.Length)
        {
            throw new InvalidOperationException("unexpected plaintext answer");
        }
    }

    /// <summary>The child side: serve until killed.</summary>
    public static async Task<int> RunHostAsync(string url)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        await using var app = builder.Build();
        app.MapPost("/", async context =>
        {
            // Read what the client sent, as the RPC endpoints must, then answer the fixed body.
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
            context.Response.ContentType = "text/plain";
            context.Response.ContentLength = Body.Length;
            await context.Response.Body.WriteAsync(Body, context.RequestAborted);
        });
        await app.RunAsync();
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
