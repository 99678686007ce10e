using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SaasPortal.Cluster.Tests;

/// <summary>An Odoo JSON-RPC answer that carried an error.</summary>
public sealed class RpcFault(string message) : Exception(message);

/// <summary>
/// A small Odoo JSON-RPC client (<c>/jsonrpc</c> and the web-session routes) with one cookie jar. Cookies ignore
/// ports, so a session cookie one node sets on 127.0.0.1 is sent to every other node on the loopback, as a browser
/// behind one proxy host would.
/// </summary>
public sealed class Rpc : IDisposable
{
    private readonly HttpClient _http;

    public Rpc(TimeSpan? timeout = null)
    {
        Cookies = new CookieContainer();
        _http = new HttpClient(new SocketsHttpHandler { CookieContainer = Cookies, AllowAutoRedirect = false })
        {
            Timeout = timeout ?? TimeSpan.FromSeconds(60),
        };
    }

    /// <summary>The jar shared by all nodes.</summary>
    public CookieContainer Cookies { get; }

    /// <summary>The raw HTTP client (same cookie jar), for page requests.</summary>
    public HttpClient Http => _http;

    /// <summary><c>service.method(*args)</c> over <c>/jsonrpc</c> at <paramref name="baseUrl"/>.</summary>
    public Task<JsonNode?> CallAsync(string baseUrl, string service, string method, JsonArray args, CancellationToken cancellationToken) =>
        PostAsync(baseUrl + "/jsonrpc", new JsonObject { ["service"] = service, ["method"] = method, ["args"] = args }, cancellationToken);

    /// <summary><c>execute_kw(db, uid, password, model, method, args, kwargs)</c>.</summary>
    public Task<JsonNode?> ExecuteAsync(string baseUrl, Credentials who, string model, string method, JsonArray args, JsonObject? kwargs,
        CancellationToken cancellationToken) =>
        CallAsync(baseUrl, "object", "execute_kw", [who.Database, who.Uid, who.Password, model, method, args, kwargs ?? new JsonObject()], cancellationToken);

    /// <summary>Logs in with <c>common.authenticate</c> and returns the credentials for <see cref="ExecuteAsync"/>.</summary>
    public async Task<Credentials> LoginAsync(string baseUrl, string database, string login, string password, CancellationToken cancellationToken)
    {
        var uid = await CallAsync(baseUrl, "common", "authenticate", [database, login, password, new JsonObject()], cancellationToken);
        return uid is JsonValue value && value.TryGetValue<int>(out var id)
            ? new Credentials(database, id, password)
            : throw new RpcFault($"login {login} on {database} failed: {uid?.ToJsonString()}");
    }

    /// <summary>A JSON-RPC 2.0 <c>call</c> to any route (e.g. <c>/web/session/authenticate</c>); the result, or <see cref="RpcFault"/>.</summary>
    public async Task<JsonNode?> PostAsync(string url, JsonObject parameters, CancellationToken cancellationToken)
    {
        var request = new JsonObject { ["jsonrpc"] = "2.0", ["method"] = "call", ["params"] = parameters, ["id"] = 1 };
        using var response = await _http.PostAsJsonAsync(url, request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"{url} answered {(int)response.StatusCode}", null, response.StatusCode);
        }

        var body = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken)
            ?? throw new RpcFault($"{url} answered no JSON");
        return body["error"] is { } error
            ? throw new RpcFault(error["data"]?["message"]?.GetValue<string>() ?? error.ToJsonString())
            : body["result"];
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>What <c>execute_kw</c> needs besides the call itself.</summary>
public sealed record Credentials(string Database, int Uid, string Password);

/// <summary>JSON helpers for answers.</summary>
public static class Json
{
    /// <summary>The elements of a JSON array answer.</summary>
    public static IEnumerable<JsonNode> Items(JsonNode? node) => node is JsonArray array ? array.OfType<JsonNode>() : [];

    /// <summary>An integer answer (an id, a count).</summary>
    public static int Int(JsonNode? node) => node is JsonValue value && value.TryGetValue<int>(out var i) ? i
        : throw new RpcFault("not an integer: " + node?.ToJsonString());

    /// <summary>A string field.</summary>
    public static string? Text(JsonNode? node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
