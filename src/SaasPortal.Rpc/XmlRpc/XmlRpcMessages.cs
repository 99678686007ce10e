namespace SaasPortal.Rpc.XmlRpc;

/// <summary>A methodCall: the method's name and its positional parameters, in the wire value model.</summary>
/// <param name="MethodName">The text of <c>methodName</c>, as sent (never empty).</param>
/// <param name="Params">One value per <c>param</c>; empty when <c>params</c> is absent or empty.</param>
public sealed record XmlRpcCall(string MethodName, IReadOnlyList<object?> Params);

/// <summary>An XML-RPC fault: an int code on /xmlrpc/2, a string code on the legacy /xmlrpc routes.</summary>
/// <param name="FaultCode">An <see cref="int"/> or a <see cref="string"/>.</param>
/// <param name="FaultString">The message the client shows.</param>
public sealed record XmlRpcFault(object FaultCode, string FaultString);

/// <summary>A methodResponse as a client reads it: either the single result value or a fault.</summary>
public sealed record XmlRpcResponse
{
    private XmlRpcResponse(object? value, XmlRpcFault? fault)
    {
        Value = value;
        Fault = fault;
    }

    /// <summary>The result value; null when the response is a fault (or the server sent nil).</summary>
    public object? Value { get; }

    /// <summary>The fault, when the server answered with one.</summary>
    public XmlRpcFault? Fault { get; }

    public bool IsFault => Fault is not null;

    public static XmlRpcResponse Success(object? value) => new(value, null);

    public static XmlRpcResponse Failure(XmlRpcFault fault) => new(null, fault ?? throw new ArgumentNullException(nameof(fault)));
}
