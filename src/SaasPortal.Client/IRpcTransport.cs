namespace SaasPortal.Client;

/// <summary>
/// Carries one call of Odoo's external API — <c>service.method(*args)</c> on <c>common</c>, <c>db</c> or
/// <c>object</c> — and returns its result in the wire value model (see docs/rpc-codec.md): null/bool/int/long/
/// double/string/DateTime/byte[], <see cref="List{T}"/> of object? and <see cref="Dictionary{TKey,TValue}"/> of
/// string to object?. A fault becomes an <see cref="OdooFaultException"/>.
/// </summary>
public interface IRpcTransport
{
    /// <summary>Calls <paramref name="method"/> of <paramref name="service"/> with positional <paramref name="args"/>.</summary>
    /// <exception cref="OdooFaultException">The server answered with a fault.</exception>
    /// <exception cref="HttpRequestException">The server could not be reached or answered with an HTTP error.</exception>
    Task<object?> CallAsync(string service, string method, IReadOnlyList<object?> args, CancellationToken cancellationToken);
}

/// <summary>The wire protocol a client speaks.</summary>
public enum RpcProtocol
{
    /// <summary>XML-RPC at <c>/xmlrpc/2/&lt;service&gt;</c>, as Python's xmlrpc.client speaks it.</summary>
    XmlRpc,

    /// <summary>JSON-RPC 2.0 at <c>/jsonrpc</c>, as OdooRPC and odoo-await speak it.</summary>
    JsonRpc,
}
