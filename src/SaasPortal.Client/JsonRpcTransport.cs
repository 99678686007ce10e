using System.Net.Http.Headers;
using SaasPortal.Rpc.JsonRpc;

namespace SaasPortal.Client;

/// <summary>
/// JSON-RPC 2.0 over HTTP: POST <c>{server}/jsonrpc</c> with <c>{"service", "method", "args"}</c> params, errors as
/// <see cref="OdooFaultException"/> (code derived from the Python class name, as XML-RPC would have sent it).
/// </summary>
/// <param name="httpClient">The client to send with; the caller owns it.</param>
/// <param name="serverUrl">The server's base URL.</param>
public sealed class JsonRpcTransport(HttpClient httpClient, Uri serverUrl) : IRpcTransport
{
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient _httpClient = httpClient ?? throw new ArgumentNullException(nameof(httpClient));
    private readonly Uri _endpoint = new(ServerUrl.Normalize(serverUrl), "jsonrpc");
    private readonly JsonRpcCodec _codec = JsonRpcCodec.Default;
    private long _nextId;

    /// <inheritdoc />
    public async Task<object?> CallAsync(string service, string method, IReadOnlyList<object?> args, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(service);
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(args);
        var id = Interlocked.Increment(ref _nextId);
        var request = new System.Buffers.ArrayBufferWriter<byte>();
        _codec.WriteRequest(request, id, new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["service"] = service,
            ["method"] = method,
            ["args"] = args,
        });
        using var content = new ReadOnlyMemoryContent(request.WrittenMemory);
        content.Headers.ContentType = JsonContentType;
        using var response = await _httpClient.PostAsync(_endpoint, content, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            var answer = await _codec.ReadResponseAsync(body, cancellationToken).ConfigureAwait(false);
            return answer.Error is { } error
                ? throw OdooFaultException.FromJsonRpc(error.Data.Name, error.Data.Message, error.Data.Debug)
                : answer.Result;
        }
    }
}
