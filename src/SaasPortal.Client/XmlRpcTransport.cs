using System.Net.Http.Headers;
using SaasPortal.Rpc.XmlRpc;

namespace SaasPortal.Client;

/// <summary>XML-RPC over HTTP: POST <c>{server}/xmlrpc/2/{service}</c>, faults as <see cref="OdooFaultException"/>.</summary>
/// <param name="httpClient">The client to send with; the caller owns it (an IHttpClientFactory client fits).</param>
/// <param name="serverUrl">The server's base URL, e.g. <c>https://erp.example.com</c> (a path prefix is kept).</param>
public sealed class XmlRpcTransport(HttpClient httpClient, Uri serverUrl) : IRpcTransport
{
    private static readonly MediaTypeHeaderValue XmlContentType = new("text/xml") { CharSet = "utf-8" };

    private readonly HttpClient _httpClient = httpClient ?? throw new ArgumentNullException(nameof(httpClient));
    private readonly Uri _baseUrl = ServerUrl.Normalize(serverUrl);
    private readonly XmlRpcCodec _codec = XmlRpcCodec.Default;

    /// <inheritdoc />
    public async Task<object?> CallAsync(string service, string method, IReadOnlyList<object?> args, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(service);
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(args);
        using var content = new ByteArrayContent(_codec.EncodeCall(method, args));
        content.Headers.ContentType = XmlContentType;
        using var response = await _httpClient.PostAsync(new Uri(_baseUrl, "xmlrpc/2/" + Uri.EscapeDataString(service)), content, cancellationToken)
            .ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            var answer = await _codec.ReadResponseAsync(body, cancellationToken).ConfigureAwait(false);
            return answer.Fault is { } fault ? throw OdooFaultException.FromXmlRpc(fault.FaultCode, fault.FaultString) : answer.Value;
        }
    }
}
