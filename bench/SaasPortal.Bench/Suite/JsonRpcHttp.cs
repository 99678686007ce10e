using System.Net.Http.Headers;
using System.Text.Json;

namespace SaasPortal.Bench.Suite;

/// <summary>A minimal JSON-RPC client for POST /jsonrpc: bodies are encoded once, answers parsed and checked.</summary>
internal sealed class JsonRpcHttp(HttpClient http, string url)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <summary>Encodes <c>{"jsonrpc":"2.0","method":"call","params":{service, method, args},"id":…}</c>.</summary>
    public static byte[] Encode(string service, string method, IReadOnlyList<object?> args, int id = 1) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["jsonrpc"] = "2.0",
            ["method"] = "call",
            ["params"] = new Dictionary<string, object?> { ["service"] = service, ["method"] = method, ["args"] = args },
            ["id"] = id,
        });

    public Task<JsonElement> CallAsync(string service, string method, IReadOnlyList<object?> args, CancellationToken cancellationToken) =>
        SendAsync(Encode(service, method, args), cancellationToken);

    /// <summary>Sends a pre-encoded call; an error answer (HTTP 200 with "error") becomes an exception.</summary>
    public async Task<JsonElement> SendAsync(byte[] body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;
        using var response = await http.PostAsync(url + "/jsonrpc", content, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        var root = document.RootElement;
        if (root.TryGetProperty("error", out var error))
        {
            var message = error.TryGetProperty("data", out var data) && data.TryGetProperty("message", out var m) ? m.GetString() : error.GetRawText();
            throw new InvalidOperationException("JSON-RPC error: " + message);
        }

        return root.GetProperty("result").Clone();
    }
}
