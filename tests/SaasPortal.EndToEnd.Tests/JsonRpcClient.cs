using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SaasPortal.EndToEnd.Tests;

/// <summary>A JSON-RPC error as Odoo shapes it.</summary>
public sealed class JsonRpcError(int code, string message, string name, string dataMessage)
    : Exception($"{code} {message}: {name}: {dataMessage}")
{
    public int Code { get; } = code;

    public string ErrorMessage { get; } = message;

    public string Name { get; } = name;

    public string DataMessage { get; } = dataMessage;
}

/// <summary>Talks JSON-RPC to the server the way Odoo's web client and JSON clients do, keeping cookies.</summary>
public sealed class JsonRpcClient : IDisposable
{
    private readonly HttpClient _http;
    private int _id;

    public JsonRpcClient(string baseUrl)
    {
        Cookies = new CookieContainer();
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies }) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(2) };
    }

    public CookieContainer Cookies { get; }

    /// <summary>/jsonrpc with params {service, method, args}.</summary>
    public Task<JsonElement> CallAsync(string service, string method, object?[] args, CancellationToken cancellationToken) =>
        PostAsync("/jsonrpc", new { service, method, args }, cancellationToken);

    /// <summary>Posts a JSON-RPC call to <paramref name="path"/>; returns the result or throws <see cref="JsonRpcError"/>.</summary>
    public async Task<JsonElement> PostAsync(string path, object parameters, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _id);
        using var response = await _http.PostAsJsonAsync(path, new { jsonrpc = "2.0", method = "call", @params = parameters, id }, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var root = document.RootElement;
        Assert.Equal("2.0", root.GetProperty("jsonrpc").GetString());
        Assert.Equal(id, root.GetProperty("id").GetInt32());
        if (root.TryGetProperty("error", out var error))
        {
            var data = error.GetProperty("data");
            throw new JsonRpcError(error.GetProperty("code").GetInt32(), error.GetProperty("message").GetString()!,
                data.GetProperty("name").GetString()!, data.GetProperty("message").GetString()!);
        }

        return root.GetProperty("result").Clone();
    }

    public void Dispose() => _http.Dispose();
}
