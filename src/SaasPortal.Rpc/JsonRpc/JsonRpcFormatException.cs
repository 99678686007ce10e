namespace SaasPortal.Rpc.JsonRpc;

/// <summary>
/// A JSON or JSON-RPC document the reader refuses: malformed JSON, nesting or size past
/// <see cref="JsonRpcOptions"/>, a number out of range, or a message of the wrong shape.
/// </summary>
public sealed class JsonRpcFormatException : FormatException
{
    public JsonRpcFormatException()
    {
    }

    public JsonRpcFormatException(string message)
        : base(message)
    {
    }

    public JsonRpcFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
