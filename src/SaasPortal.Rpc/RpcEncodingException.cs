namespace SaasPortal.Rpc;

/// <summary>
/// A value that the XML-RPC or JSON writer cannot put on the wire: an unsupported .NET type, NaN or infinity,
/// a character XML 1.0 cannot carry, or nesting past the configured depth. Thrown before anything reaches the
/// caller's stream, because the writers buffer the whole message.
/// </summary>
public sealed class RpcEncodingException : Exception
{
    public RpcEncodingException()
    {
    }

    public RpcEncodingException(string message)
        : base(message)
    {
    }

    public RpcEncodingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
