namespace SaasPortal.Rpc.XmlRpc;

/// <summary>Limits of the XML-RPC reader and choices of the writer. The defaults suit a public endpoint.</summary>
public sealed record XmlRpcOptions
{
    /// <summary>The options every codec uses unless told otherwise.</summary>
    public static XmlRpcOptions Default { get; } = new();

    /// <summary>
    /// How deeply arrays and structs may nest (a scalar at the top is depth 0). Bounds the reader's and the
    /// writer's recursion, so hostile nesting fails fast instead of exhausting the stack.
    /// </summary>
    public int MaxDepth { get; init; } = 128;

    /// <summary>How many elements one document may hold; bounds the work a small but dense body can cause.</summary>
    public long MaxElements { get; init; } = 10_000_000;

    /// <summary>
    /// How many characters one document may hold (XmlReaderSettings.MaxCharactersInDocument). The edge bounds the
    /// body in bytes (64 MiB); this keeps the reader bounded when it is used without that edge. Every string in a
    /// document is bounded by it too.
    /// </summary>
    public long MaxCharactersInDocument { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// Whether the writer may emit <c>&lt;nil/&gt;</c>. Odoo never does (its clients, Python's xmlrpc.client without
    /// allow_none among them, refuse it), so by default a null is written as <c>&lt;boolean&gt;0&lt;/boolean&gt;</c>,
    /// which is Odoo's False. The reader always accepts nil.
    /// </summary>
    public bool AllowNone { get; init; }
}
