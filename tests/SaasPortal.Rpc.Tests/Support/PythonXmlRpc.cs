using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SaasPortal.Rpc.Tests.Support;

/// <summary>
/// Runs Corpus/xmlrpc_agree.py (xmlrpc.client and json) with python3: the whole batch in one process per direction. A missing python3 fails
/// the test: the agreement check is never skipped quietly.
/// </summary>
internal static class PythonXmlRpc
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static string ScriptPath => Path.Combine(AppContext.BaseDirectory, "Corpus", "xmlrpc_agree.py");

    /// <summary>xmlrpc.client.dumps for each item ({"kind": "call"|"response"|"fault", …}).</summary>
    public static async Task<List<string>> DumpsAsync(JsonArray items, CancellationToken cancellationToken)
    {
        using var output = await RunAsync("dumps", items.ToJsonString(), cancellationToken);
        return output.RootElement.EnumerateArray().Select(x => x.GetString()!).ToList();
    }

    /// <summary>xmlrpc.client.loads(use_builtin_types=True) for each document.</summary>
    public static async Task<List<JsonElement>> LoadsAsync(IEnumerable<string> documents, CancellationToken cancellationToken)
    {
        using var output = await RunAsync("loads", JsonSerializer.Serialize(documents), cancellationToken);
        return output.RootElement.EnumerateArray().Select(x => x.Clone()).ToList();
    }

    /// <summary>Python's json.dumps of each tagged value.</summary>
    public static async Task<List<string>> JsonDumpsAsync(JsonArray tagged, CancellationToken cancellationToken)
    {
        using var output = await RunAsync("json-dumps", tagged.ToJsonString(), cancellationToken);
        return output.RootElement.EnumerateArray().Select(x => x.GetString()!).ToList();
    }

    /// <summary>Python's json.loads of each text, tagged.</summary>
    public static async Task<List<JsonElement>> JsonLoadsAsync(IEnumerable<string> texts, CancellationToken cancellationToken)
    {
        using var output = await RunAsync("json-loads", JsonSerializer.Serialize(texts), cancellationToken);
        return output.RootElement.EnumerateArray().Select(x => x.Clone()).ToList();
    }

    private static async Task<JsonDocument> RunAsync(string mode, string input, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("python3")
        {
            ArgumentList = { ScriptPath, mode },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
            Environment = { ["PYTHONIOENCODING"] = "utf-8" },
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.StandardInput.WriteAsync(input.AsMemory(), timeout.Token);
            process.StandardInput.Close();
            await process.WaitForExitAsync(timeout.Token);
            var text = await stdout;
            Assert.True(process.ExitCode == 0, $"python3 {mode} exited with {process.ExitCode}: {await stderr}");
            return JsonDocument.Parse(text);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
