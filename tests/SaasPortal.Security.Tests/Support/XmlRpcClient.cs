using System.Net;
using System.Net.Http.Headers;
using SaasPortal.Rpc.XmlRpc;

namespace SaasPortal.Security.Tests.Support;

/// <summary>A fault as the client saw it.</summary>
public sealed class RpcFault(int code, string text) : Exception($"fault {code}: {text}")
{
    public int Code { get; } = code;

    public string Text { get; } = text;
}

/// <summary>
/// A plain XML-RPC client over HTTP, as Odoo's clients are: every answer must be HTTP 200 (a fault included) and
/// a well-formed methodResponse; a fault is thrown as <see cref="RpcFault"/>.
/// </summary>
public sealed class XmlRpcClient(string baseUrl) : IDisposable
{
    private static readonly XmlRpcCodec Codec = new(new XmlRpcOptions { AllowNone = true });

    private readonly HttpClient _http = new() { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(2) };

    /// <summary>Calls <paramref name="method"/> on /xmlrpc/2/<paramref name="service"/>.</summary>
    public async Task<object?> CallAsync(string service, string method, object?[] args, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(Codec.EncodeCall(method, args));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/xml");
        using var response = await _http.PostAsync("/xmlrpc/2/" + service, content, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var answer = await Codec.ReadResponseAsync(body, cancellationToken);
        return answer.Fault is { } fault ? throw new RpcFault(Convert.ToInt32(fault.FaultCode, System.Globalization.CultureInfo.InvariantCulture), fault.FaultString) : answer.Value;
    }

    /// <summary>object.execute_kw.</summary>
    public Task<object?> ExecuteKwAsync(string db, int uid, string password, string model, string method, object?[] args,
        Dictionary<string, object?>? kwargs, CancellationToken cancellationToken) =>
        CallAsync("object", "execute_kw", [db, uid, password, model, method, args.ToList(), kwargs ?? []], cancellationToken);

    /// <summary>common.authenticate; the uid or false.</summary>
    public Task<object?> AuthenticateAsync(string db, string login, string password, CancellationToken cancellationToken) =>
        CallAsync("common", "authenticate", [db, login, password, new Dictionary<string, object?>()], cancellationToken);

    public void Dispose() => _http.Dispose();
}
