namespace SaasPortal.Rpc.XmlRpc;

/// <summary>
/// Reads and writes XML-RPC messages in the wire value model (see docs/rpc-codec.md). Thread-safe; one instance
/// per set of options, <see cref="Default"/> for the defaults.
/// </summary>
/// <remarks>
/// Reading pulls from the stream with an async <see cref="System.Xml.XmlReader"/> (no DOM, DTDs prohibited, no
/// resolver) and refuses anything malformed with <see cref="XmlRpcFormatException"/>; I/O errors from the stream
/// and cancellation pass through as they are. Writing produces the whole document in memory first, so a value that
/// cannot be written raises <see cref="RpcEncodingException"/> before the first byte reaches the stream.
/// </remarks>
public sealed class XmlRpcCodec(XmlRpcOptions options)
{
    /// <summary>A codec with <see cref="XmlRpcOptions.Default"/>.</summary>
    public static XmlRpcCodec Default { get; } = new(XmlRpcOptions.Default);

    public XmlRpcOptions Options { get; } = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>Reads a methodCall (a server's request).</summary>
    /// <exception cref="XmlRpcFormatException">The body is not a valid methodCall.</exception>
    public async Task<XmlRpcCall> ReadCallAsync(Stream input, CancellationToken cancellationToken)
    {
        using var reader = XmlRpcParser.CreateReader(new CancellableReadStream(input, cancellationToken), Options);
        return await XmlRpcParser.ReadCallAsync(reader, Options, cancellationToken);
    }

    /// <summary>Reads a methodResponse (a client's answer): a value or a fault.</summary>
    /// <exception cref="XmlRpcFormatException">The body is not a valid methodResponse.</exception>
    public async Task<XmlRpcResponse> ReadResponseAsync(Stream input, CancellationToken cancellationToken)
    {
        using var reader = XmlRpcParser.CreateReader(new CancellableReadStream(input, cancellationToken), Options);
        return await XmlRpcParser.ReadResponseAsync(reader, Options, cancellationToken);
    }

    /// <summary>Writes a methodResponse carrying <paramref name="value"/> as its single param.</summary>
    /// <exception cref="RpcEncodingException">The value has no XML-RPC form; nothing was written.</exception>
    public Task WriteResponseAsync(Stream output, object? value, CancellationToken cancellationToken) =>
        CopyAsync(output, buffer => XmlRpcValueWriter.WriteResponse(buffer, value, Options), cancellationToken);

    /// <summary>
    /// Writes a fault response. <paramref name="faultCode"/> is an int (/xmlrpc/2) or a string (legacy routes).
    /// Characters XML 1.0 cannot carry in the code or the text are replaced by U+FFFD: a fault always goes out.
    /// </summary>
    /// <exception cref="RpcEncodingException">The code is neither int nor string.</exception>
    public Task WriteFaultAsync(Stream output, object faultCode, string faultString, CancellationToken cancellationToken) =>
        CopyAsync(output, buffer => XmlRpcValueWriter.WriteFault(buffer, faultCode, faultString, Options), cancellationToken);

    /// <summary>Writes a methodCall, as a client sends it.</summary>
    /// <exception cref="RpcEncodingException">A parameter has no XML-RPC form; nothing was written.</exception>
    public Task WriteCallAsync(Stream output, string methodName, IEnumerable<object?> parameters, CancellationToken cancellationToken) =>
        CopyAsync(output, buffer => XmlRpcValueWriter.WriteCall(buffer, methodName, parameters, Options), cancellationToken);

    /// <summary>The UTF-8 bytes of a methodResponse; for callers that frame the body themselves.</summary>
    public byte[] EncodeResponse(object? value) => Render(buffer => XmlRpcValueWriter.WriteResponse(buffer, value, Options));

    /// <summary>The UTF-8 bytes of a methodCall.</summary>
    public byte[] EncodeCall(string methodName, IEnumerable<object?> parameters) =>
        Render(buffer => XmlRpcValueWriter.WriteCall(buffer, methodName, parameters, Options));

    private static byte[] Render(Action<Stream> write)
    {
        using var buffer = new PooledBufferStream();
        write(buffer);
        return buffer.WrittenMemory.ToArray();
    }

    private static async Task CopyAsync(Stream output, Action<Stream> write, CancellationToken cancellationToken)
    {
        using var buffer = new PooledBufferStream();
        write(buffer);
        await output.WriteAsync(buffer.WrittenMemory, cancellationToken);
    }
}
