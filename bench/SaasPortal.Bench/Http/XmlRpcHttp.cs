using System.Net.Http.Headers;
using SaasPortal.Rpc.XmlRpc;

namespace SaasPortal.Bench.Http;

/// <summary>A minimal XML-RPC client over HttpClient using the product's own codec.</summary>
internal sealed class XmlRpcHttp(HttpClient http, string url)
{
    /// <summary>Calls <paramref name="method"/> on /xmlrpc/2/<paramref name="service"/>; a fault becomes an exception.</summary>
    public async Task<object?> CallAsync(string service, string method, IReadOnlyList<object?> parameters, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        await XmlRpcCodec.Default.WriteCallAsync(body, method, parameters, cancellationToken);
        return await SendAsync(service, body.ToArray(), cancellationToken);
    }

    /// <summary>Encodes a call once, so a load loop measures the server rather than our encoder.</summary>
    public static async Task<byte[]> EncodeAsync(string method, IReadOnlyList<object?> parameters, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        await XmlRpcCodec.Default.WriteCallAsync(body, method, parameters, cancellationToken);
        return body.ToArray();
    }

    /// <summary>Sends a pre-encoded call.</summary>
    public async Task<object?> SendAsync(string service, byte[] body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/xml");
        using var response = await http.PostAsync($"{url}/xmlrpc/2/{service}", content, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var result = await XmlRpcCodec.Default.ReadResponseAsync(stream, cancellationToken);
        return result.Fault is { } fault ? throw new InvalidOperationException($"fault {fault.FaultCode}: {fault.FaultString}") : result.Value;
    }
}
