using System.Buffers;
using System.Text.Json;

namespace SaasPortal.Rpc.JsonRpc;

/// <summary>
/// Reads and writes Odoo's JSON-RPC messages and plain JSON values in the wire value model (see docs/rpc-codec.md).
/// Thread-safe; one instance per set of options, <see cref="Default"/> for the defaults.
/// </summary>
/// <remarks>
/// Stream readers buffer the body (at most <see cref="JsonRpcOptions.MaxBytes"/>) and parse it with
/// <see cref="Utf8JsonReader"/>; anything malformed is a <see cref="JsonRpcFormatException"/>. Stream writers render
/// the whole message first, so a value that cannot be written raises <see cref="RpcEncodingException"/> before the
/// first byte reaches the stream.
/// </remarks>
public sealed class JsonRpcCodec(JsonRpcOptions options)
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = false };

    /// <summary>A codec with <see cref="JsonRpcOptions.Default"/>.</summary>
    public static JsonRpcCodec Default { get; } = new(JsonRpcOptions.Default);

    public JsonRpcOptions Options { get; } = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>Parses one JSON value (UTF-8) into the value model.</summary>
    /// <exception cref="JsonRpcFormatException">Malformed JSON, or past the limits.</exception>
    public object? ReadValue(ReadOnlySpan<byte> utf8Json) => JsonValueReader.Parse(utf8Json, Options.MaxDepth);

    /// <summary>Converts an element of a document the caller already parsed.</summary>
    /// <exception cref="JsonRpcFormatException">The element nests past the limit or holds a number out of range.</exception>
    public object? FromElement(JsonElement element) => JsonValueReader.FromElement(element, 0, Options.MaxDepth);

    /// <summary>Writes one value of the value model.</summary>
    /// <exception cref="RpcEncodingException">The value has no JSON form (unsupported type, NaN, lone surrogate, too deep).</exception>
    public void WriteValue(Utf8JsonWriter writer, object? value) => JsonValueWriter.Write(writer, value, 0, Options.MaxDepth);

    /// <summary>Reads a request body: <c>{"jsonrpc":"2.0","method":"call","params":{…},"id":…}</c>.</summary>
    /// <exception cref="JsonRpcFormatException">Not JSON, not an object, params not an object, or an id that is not a number, string or null.</exception>
    public async Task<JsonRpcRequest> ReadRequestAsync(Stream input, CancellationToken cancellationToken)
    {
        using var body = await BoundedBody.ReadAsync(input, Options.MaxBytes, cancellationToken);
        return ReadRequest(body.Span);
    }

    /// <inheritdoc cref="ReadRequestAsync"/>
    public JsonRpcRequest ReadRequest(ReadOnlySpan<byte> utf8Json)
    {
        var message = Envelope(utf8Json, "request");
        var method = message.GetValueOrDefault("method") switch
        {
            null => "call",
            string name => name,
            _ => throw new JsonRpcFormatException("a JSON-RPC request's method is a string"),
        };
        var parameters = message.GetValueOrDefault("params") switch
        {
            null => new Dictionary<string, object?>(StringComparer.Ordinal),
            Dictionary<string, object?> dict => dict,
            // Odoo's dispatcher calls its routes with keyword arguments only.
            _ => throw new JsonRpcFormatException("a JSON-RPC request's params is an object"),
        };
        return new JsonRpcRequest(method, Id(message), parameters);
    }

    /// <summary>Reads a response body, as a client does.</summary>
    /// <exception cref="JsonRpcFormatException">Not JSON, or neither result nor a well-formed error.</exception>
    public async Task<JsonRpcResponse> ReadResponseAsync(Stream input, CancellationToken cancellationToken)
    {
        using var body = await BoundedBody.ReadAsync(input, Options.MaxBytes, cancellationToken);
        return ReadResponse(body.Span);
    }

    /// <inheritdoc cref="ReadResponseAsync"/>
    public JsonRpcResponse ReadResponse(ReadOnlySpan<byte> utf8Json)
    {
        var message = Envelope(utf8Json, "response");
        var id = Id(message);
        if (message.TryGetValue("error", out var error) && error is not null)
        {
            return new JsonRpcResponse(id, null, Error(error));
        }

        return message.TryGetValue("result", out var result)
            ? new JsonRpcResponse(id, result, null)
            : throw new JsonRpcFormatException("a JSON-RPC response has a result or an error");
    }

    /// <summary>Writes <c>{"jsonrpc":"2.0","id":…,"result":…}</c>.</summary>
    /// <exception cref="RpcEncodingException">The result or id has no JSON form; nothing was written.</exception>
    public void WriteResult(IBufferWriter<byte> output, object? id, object? result) =>
        WriteMessage(output, id, writer =>
        {
            writer.WritePropertyName("result");
            WriteValue(writer, result);
        });

    /// <summary>
    /// Writes <c>{"jsonrpc":"2.0","id":…,"error":{"code":…,"message":…,"data":{…}}}</c>. Unpaired surrogates in the
    /// error's texts are replaced by U+FFFD, so an error can always be written.
    /// </summary>
    public void WriteError(IBufferWriter<byte> output, object? id, JsonRpcError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        WriteMessage(output, id, writer =>
        {
            writer.WriteStartObject("error");
            writer.WriteNumber("code", error.Code);
            // An error is the answer of last resort: unpaired surrogates in its text become U+FFFD instead of failing it.
            writer.WriteString("message", WireText.ToUnicodeSafe(error.Message));
            writer.WriteStartObject("data");
            writer.WriteString("name", WireText.ToUnicodeSafe(error.Data.Name));
            writer.WriteString("debug", WireText.ToUnicodeSafe(error.Data.Debug));
            writer.WriteString("message", WireText.ToUnicodeSafe(error.Data.Message));
            writer.WritePropertyName("arguments");
            WriteValue(writer, error.Data.Arguments.Select(a => a is string text ? WireText.ToUnicodeSafe(text) : a));
            writer.WritePropertyName("context");
            WriteValue(writer, error.Data.Context);
            writer.WriteEndObject();
            writer.WriteEndObject();
        });
    }

    /// <summary>Writes a request, as a client sends it.</summary>
    public void WriteRequest(IBufferWriter<byte> output, object? id, IReadOnlyDictionary<string, object?> parameters, string method = "call") =>
        WriteMessage(output, id, writer =>
        {
            writer.WriteString("method", method);
            writer.WritePropertyName("params");
            WriteValue(writer, parameters);
        });

    /// <inheritdoc cref="WriteResult"/>
    public Task WriteResultAsync(Stream output, object? id, object? result, CancellationToken cancellationToken) =>
        CopyAsync(output, buffer => WriteResult(buffer, id, result), cancellationToken);

    /// <inheritdoc cref="WriteError"/>
    public Task WriteErrorAsync(Stream output, object? id, JsonRpcError error, CancellationToken cancellationToken) =>
        CopyAsync(output, buffer => WriteError(buffer, id, error), cancellationToken);

    /// <inheritdoc cref="WriteRequest"/>
    public Task WriteRequestAsync(Stream output, object? id, IReadOnlyDictionary<string, object?> parameters, CancellationToken cancellationToken) =>
        CopyAsync(output, buffer => WriteRequest(buffer, id, parameters), cancellationToken);

    private void WriteMessage(IBufferWriter<byte> output, object? id, Action<Utf8JsonWriter> body)
    {
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("jsonrpc", "2.0");
        writer.WritePropertyName("id");
        WriteValue(writer, id is null or int or long or string or double
            ? id
            : throw new RpcEncodingException($"a JSON-RPC id is a number, a string or null, not a {id.GetType().Name}"));
        body(writer);
        writer.WriteEndObject();
    }

    private static async Task CopyAsync(Stream output, Action<IBufferWriter<byte>> write, CancellationToken cancellationToken)
    {
        using var buffer = new PooledBufferStream();
        write(buffer);
        await output.WriteAsync(buffer.WrittenMemory, cancellationToken);
    }

    private Dictionary<string, object?> Envelope(ReadOnlySpan<byte> utf8Json, string what) =>
        ReadValue(utf8Json) as Dictionary<string, object?>
        ?? throw new JsonRpcFormatException($"a JSON-RPC {what} is a JSON object");

    private static object? Id(Dictionary<string, object?> message) => message.GetValueOrDefault("id") switch
    {
        null or int or long or double or string => message.GetValueOrDefault("id"),
        _ => throw new JsonRpcFormatException("a JSON-RPC id is a number, a string or null"),
    };

    private static JsonRpcError Error(object error)
    {
        if (error is not Dictionary<string, object?> fields || fields.GetValueOrDefault("code") is not int code)
        {
            throw new JsonRpcFormatException("a JSON-RPC error is an object with an integer code");
        }

        var message = fields.GetValueOrDefault("message") as string ?? "";
        var data = fields.GetValueOrDefault("data") as Dictionary<string, object?> ?? [];
        var text = data.GetValueOrDefault("message") as string ?? message;
        return new JsonRpcError(code, message, new JsonRpcErrorData(
            data.GetValueOrDefault("name") as string ?? "",
            text,
            data.GetValueOrDefault("arguments") as List<object?> ?? [],
            data.GetValueOrDefault("debug") as string ?? "",
            data.GetValueOrDefault("context") as Dictionary<string, object?> ?? new Dictionary<string, object?>(StringComparer.Ordinal)));
    }
}
