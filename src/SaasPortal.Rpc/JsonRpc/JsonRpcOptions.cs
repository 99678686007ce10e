namespace SaasPortal.Rpc.JsonRpc;

/// <summary>Limits of the JSON reader and writer. The defaults suit a public endpoint.</summary>
public sealed record JsonRpcOptions
{
    /// <summary>The options every codec uses unless told otherwise.</summary>
    public static JsonRpcOptions Default { get; } = new();

    /// <summary>
    /// How deeply arrays and objects may nest, counted from the document's root (a JSON-RPC envelope spends two
    /// levels: the message and its params). The same number as XML-RPC's limit, so both protocols agree.
    /// </summary>
    public int MaxDepth { get; init; } = 128;

    /// <summary>
    /// The largest body the stream readers take, in bytes. The edge enforces its own request limit first; this
    /// bounds the buffer when the codec is used without it.
    /// </summary>
    public long MaxBytes { get; init; } = 64L * 1024 * 1024;
}
