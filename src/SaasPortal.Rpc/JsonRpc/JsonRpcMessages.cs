namespace SaasPortal.Rpc.JsonRpc;

/// <summary>A JSON-RPC 2.0 request as Odoo receives it: <c>{"jsonrpc":"2.0","method":"call","params":{…},"id":…}</c>.</summary>
/// <param name="Method">The <c>method</c> member; Odoo's clients send "call". Defaults to "call" when absent.</param>
/// <param name="Id">The <c>id</c> to echo: an int, long, double, string or null (absent or a notification).</param>
/// <param name="Params">The <c>params</c> object; empty when absent or null.</param>
public sealed record JsonRpcRequest(string Method, object? Id, Dictionary<string, object?> Params);

/// <summary>A JSON-RPC response as a client reads it: a result or an error.</summary>
public sealed record JsonRpcResponse(object? Id, object? Result, JsonRpcError? Error)
{
    public bool IsError => Error is not null;
}

/// <summary>The <c>error</c> member of Odoo's JSON-RPC answers (always sent with HTTP 200).</summary>
/// <param name="Code"><see cref="ServerErrorCode"/> or <see cref="SessionExpiredCode"/>.</param>
/// <param name="Message">"Odoo Server Error" or "Odoo Session Expired".</param>
/// <param name="Data">What happened, in the form of Odoo's serialize_exception.</param>
public sealed record JsonRpcError(int Code, string Message, JsonRpcErrorData Data)
{
    /// <summary>Odoo's code for every server-side error.</summary>
    public const int ServerErrorCode = 200;

    /// <summary>Odoo's code for a missing or expired web session.</summary>
    public const int SessionExpiredCode = 100;

    /// <summary>
    /// An "Odoo Server Error" for an exception of Python class <paramref name="name"/>
    /// (e.g. <c>odoo.exceptions.AccessDenied</c>). <paramref name="debug"/> stands in for Odoo's traceback; it
    /// defaults to "name: message" so that no server internals reach the client unless the caller adds them.
    /// </summary>
    public static JsonRpcError ServerError(string name, string message, string? debug = null) =>
        new(ServerErrorCode, "Odoo Server Error", JsonRpcErrorData.For(name, message, debug));

    /// <summary>Odoo's answer when the call needs a web session and the request has none that is alive.</summary>
    public static JsonRpcError SessionExpired(string message = "Session expired") =>
        new(SessionExpiredCode, "Odoo Session Expired", JsonRpcErrorData.For("odoo.http.SessionExpiredException", message, null));
}

/// <summary>The <c>error.data</c> member: Python class name, message, exception arguments, traceback text, context.</summary>
public sealed record JsonRpcErrorData(
    string Name,
    string Message,
    IReadOnlyList<object?> Arguments,
    string Debug,
    IReadOnlyDictionary<string, object?> Context)
{
    internal static JsonRpcErrorData For(string name, string message, string? debug) =>
        new(name, message, [message], debug ?? $"{name}: {message}", new Dictionary<string, object?>(StringComparer.Ordinal));
}
