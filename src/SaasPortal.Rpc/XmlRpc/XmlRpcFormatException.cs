namespace SaasPortal.Rpc.XmlRpc;

/// <summary>
/// An XML-RPC document the reader refuses: not well-formed XML, a DOCTYPE, an unknown element, a value that does
/// not fit its type, nesting or size past <see cref="XmlRpcOptions"/>, or content after the document element.
/// The message says what and, where the XML parser knows it, where; it quotes the input only in clipped form.
/// </summary>
public sealed class XmlRpcFormatException : FormatException
{
    public XmlRpcFormatException()
    {
    }

    public XmlRpcFormatException(string message)
        : base(message)
    {
    }

    public XmlRpcFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
