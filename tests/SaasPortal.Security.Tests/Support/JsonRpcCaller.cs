using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using SaasPortal.Rpc.JsonRpc;

namespace SaasPortal.Security.Tests.Support;

/// <summary>
/// Calls /jsonrpc (and the web-session routes) with the product's own codec, so that any string, control
/// characters and NUL included, reaches the server. Every answer must be HTTP 200; an error is thrown as
/// <see cref="RpcFault"/> whose text is the Python name, the message and the debug text.
/// </summary>
public sealed class JsonRpcCaller : IDisposable
{
    private readonly HttpClient _http;
    private int _id;

    public JsonRpcCaller(string baseUrl, CookieContainer? cookies = null)
    {
        Cookies = cookies ?? new CookieContainer();
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies }) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(2) };
    }

    public CookieContainer Cookies { get; }

    /// <summary>service.method(*args) over /jsonrpc.</summary>
    public Task<object?> CallAsync(string service, string method, object?[] args, CancellationToken cancellationToken) =>
        PostAsync("/jsonrpc", new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["service"] = service,
            ["method"] = method,
            ["args"] = args.ToList(),
        }, cancellationToken);

    /// <summary>object.execute_kw over /jsonrpc.</summary>
    public Task<object?> ExecuteKwAsync(string db, int uid, string password, string model, string method, object?[] args,
        Dictionary<string, object?>? kwargs, CancellationToken cancellationToken) =>
        CallAsync("object", "execute_kw", [db, uid, password, model, method, args.ToList(), kwargs ?? []], cancellationToken);

    /// <summary>Posts a JSON-RPC call with <paramref name="parameters"/> to <paramref name="path"/>.</summary>
    public async Task<object?> PostAsync(string path, Dictionary<string, object?> parameters, CancellationToken cancellationToken, string? host = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        JsonRpcCodec.Default.WriteRequest(buffer, Interlocked.Increment(ref _id), parameters);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(buffer.WrittenSpan.ToArray()) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        using var response = await _http.SendAsync(request, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var answer = await JsonRpcCodec.Default.ReadResponseAsync(body, cancellationToken);
        return answer.Error is { } error
            ? throw new RpcFault(error.Code, $"{error.Data.Name}: {error.Data.Message}\n{error.Data.Debug}")
            : answer.Result;
    }

    public void Dispose() => _http.Dispose();
}
