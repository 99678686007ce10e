using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SaasPortal.Mail.Tests;

/// <summary>Odoo's JSON-RPC (<c>/jsonrpc</c>) as any client speaks it: common.login and object.execute_kw.</summary>
public sealed class JsonRpc(string url) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(120) };

    /// <summary>Calls <c>service.method(*args)</c>; a fault throws with its message.</summary>
    public async Task<JsonNode?> CallAsync(string service, string method, params object?[] args)
    {
        var request = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["method"] = "call",
            ["id"] = 1,
            ["params"] = new JsonObject { ["service"] = service, ["method"] = method, ["args"] = JsonSerializer.SerializeToNode(args) },
        };
        using var response = await _http.PostAsJsonAsync(url.TrimEnd('/') + "/jsonrpc", request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken)
            ?? throw new InvalidOperationException("empty JSON-RPC answer");
        if (body["error"] is { } error)
        {
            throw new RpcFault(error["data"]?["message"]?.GetValue<string>() ?? error.ToJsonString());
        }

        return body["result"];
    }

    /// <summary><c>execute_kw</c> as <paramref name="uid"/>.</summary>
    public Task<JsonNode?> ExecuteAsync(string database, int uid, string password, string model, string method, object?[] args,
        Dictionary<string, object?>? kwargs = null) =>
        CallAsync("object", "execute_kw", database, uid, password, model, method, args, kwargs ?? []);

    /// <summary>The uid for a login, or null when refused.</summary>
    public async Task<int?> LoginAsync(string database, string login, string password) =>
        await CallAsync("common", "login", database, login, password) is JsonValue value && value.TryGetValue<int>(out var uid) ? uid : null;

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}

/// <summary>An RPC fault.</summary>
public sealed class RpcFault(string message) : Exception(message);
