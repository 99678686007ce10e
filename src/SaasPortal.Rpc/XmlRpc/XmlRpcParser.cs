using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Xml;

namespace SaasPortal.Rpc.XmlRpc;

/// <summary>
/// Reads one XML-RPC document from an <see cref="XmlReader"/> positioned before it, into the wire value model.
/// Pull parsing over the stream, no DOM: memory is the values read plus the reader's buffer. Every way a document
/// can be wrong ends in <see cref="XmlRpcFormatException"/>; I/O errors and cancellation pass through unchanged.
/// </summary>
internal sealed class XmlRpcParser
{
    /// <summary>Apache XML-RPC's extension namespace (<c>ex:nil</c>, <c>ex:i8</c>).</summary>
    public const string ApacheExtensions = "http://ws.apache.org/xmlrpc/namespaces/extensions";

    private static readonly string[] ElementNames =
    [
        "methodCall", "methodName", "methodResponse", "params", "param", "fault", "value", "struct", "member", "name",
        "array", "data", "string", "int", "i4", "i8", "boolean", "double", "dateTime.iso8601", "base64", "nil",
    ];

    private readonly XmlReader _reader;
    private readonly XmlRpcOptions _options;
    private readonly CancellationToken _cancellationToken;
    private StringBuilder? _text;
    private long _elements;

    private XmlRpcParser(XmlReader reader, XmlRpcOptions options, CancellationToken cancellationToken)
    {
        _reader = reader;
        _options = options;
        _cancellationToken = cancellationToken;
    }

    public static XmlReader CreateReader(Stream input, XmlRpcOptions options)
    {
        var names = new NameTable();
        // Atomised from the same literals this class compares with, so most name checks are one reference compare.
        foreach (var name in ElementNames)
        {
            names.Add(name);
        }

        var namespaces = new XmlNamespaceManager(names);
        // Apache declares its prefix on the root, but a hand-written payload may not: accept ex:nil either way.
        namespaces.AddNamespace("ex", ApacheExtensions);
        var settings = new XmlReaderSettings
        {
            Async = true,
            NameTable = names,
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            // Comments and PIs come back as nodes and NextAsync skips them in a loop: when the reader ignores them
            // itself, its async path recurses once per ignored node and 100 000 comments overflow the stack.
            IgnoreComments = false,
            IgnoreProcessingInstructions = false,
            CheckCharacters = true,
            CloseInput = false,
            MaxCharactersInDocument = options.MaxCharactersInDocument,
            // Only DTD-declared entities count here and DTDs are prohibited; kept small all the same.
            MaxCharactersFromEntities = 1024,
        };
        return XmlReader.Create(input, settings, new XmlParserContext(names, namespaces, null, XmlSpace.None));
    }

    public static Task<XmlRpcCall> ReadCallAsync(XmlReader reader, XmlRpcOptions options, CancellationToken cancellationToken) =>
        Guard(new XmlRpcParser(reader, options, cancellationToken).ReadCallAsync());

    public static Task<XmlRpcResponse> ReadResponseAsync(XmlReader reader, XmlRpcOptions options, CancellationToken cancellationToken) =>
        Guard(new XmlRpcParser(reader, options, cancellationToken).ReadResponseAsync());

    /// <summary>Turns the XML stack's own complaints into the one exception type callers handle.</summary>
    private static async Task<T> Guard<T>(ValueTask<T> parse)
    {
        try
        {
            return await parse;
        }
        catch (XmlException e) when (e.Message.Contains("DTD is prohibited", StringComparison.Ordinal))
        {
            // XmlReader's own text advises enabling DTD processing, which is not advice for a client.
            throw new XmlRpcFormatException(
                $"a DOCTYPE is not allowed in XML-RPC (DTD is prohibited; line {e.LineNumber}, position {e.LinePosition})", e);
        }
        catch (XmlException e) when (e.Message.Contains(nameof(XmlReaderSettings.MaxCharactersInDocument), StringComparison.Ordinal))
        {
            throw new XmlRpcFormatException("the document is longer than the reader's MaxCharactersInDocument limit", e);
        }
        catch (XmlException e)
        {
            throw new XmlRpcFormatException("not well-formed XML: " + e.Message, e);
        }
        catch (DecoderFallbackException e)
        {
            throw new XmlRpcFormatException("the body is not valid text in its declared encoding: " + e.Message, e);
        }
        catch (ArgumentOutOfRangeException e) when (ThrownByXmlReader(e))
        {
            // .NET's reader fails this way, not with an XmlException, on some malformed XML declarations (an
            // unterminated version followed by kilobytes of U+FFFD and an encoding; found by the long fuzz run).
            throw new XmlRpcFormatException("not well-formed XML: the XML declaration cannot be read", e);
        }
    }

    private static bool ThrownByXmlReader(Exception exception) =>
        new StackTrace(exception).GetFrames().Any(frame => frame.GetMethod()?.DeclaringType?.Assembly == typeof(XmlReader).Assembly);

    private async ValueTask<XmlRpcCall> ReadCallAsync()
    {
        await StartDocumentAsync("methodCall");
        string? method = null;
        List<object?>? parameters = null;
        if (!_reader.IsEmptyElement)
        {
            await NextAsync();
            while (await SkipWhitespaceAsync() == XmlNodeType.Element)
            {
                switch (_reader.LocalName)
                {
                    case "methodName" when method is null:
                        method = await ReadTextElementAsync();
                        break;
                    case "params" when parameters is null:
                        parameters = await ReadParamsAsync();
                        break;
                    case "methodName" or "params":
                        throw Refuse($"<methodCall> holds more than one <{_reader.LocalName}>");
                    default:
                        throw Refuse($"unexpected element {Describe()} in <methodCall>");
                }
            }
        }

        await EndDocumentAsync();
        // Method names are identifiers; surrounding whitespace from pretty-printing clients is not part of them.
        method = method?.Trim();
        return string.IsNullOrEmpty(method)
            ? throw Refuse("<methodCall> has no <methodName>")
            : new XmlRpcCall(method, parameters ?? []);
    }

    private async ValueTask<XmlRpcResponse> ReadResponseAsync()
    {
        await StartDocumentAsync("methodResponse");
        if (_reader.IsEmptyElement)
        {
            throw Refuse("<methodResponse> is empty");
        }

        await NextAsync();
        XmlRpcResponse response;
        switch (await SkipWhitespaceAsync() == XmlNodeType.Element ? _reader.LocalName : null)
        {
            case "params":
                var values = await ReadParamsAsync();
                response = values.Count == 1
                    ? XmlRpcResponse.Success(values[0])
                    : throw Refuse($"a <methodResponse> carries exactly one <param>, not {values.Count}");
                break;
            case "fault":
                response = XmlRpcResponse.Failure(await ReadFaultAsync());
                break;
            default:
                throw Refuse($"expected <params> or <fault> in <methodResponse>, found {Describe()}");
        }

        if (await SkipWhitespaceAsync() != XmlNodeType.EndElement)
        {
            throw Refuse($"unexpected {Describe()} after the response in <methodResponse>");
        }

        await EndDocumentAsync();
        return response;
    }

    private async ValueTask<XmlRpcFault> ReadFaultAsync()
    {
        await EnterAsync("fault");
        await SkipWhitespaceAsync();
        var value = await ReadValueAsync(0);
        await LeaveAsync("fault");
        if (value is not Dictionary<string, object?> fault
            || !fault.TryGetValue("faultCode", out var code)
            || !fault.TryGetValue("faultString", out var text))
        {
            throw Refuse("a <fault> holds a struct with faultCode and faultString");
        }

        return code is int or string && text is string message
            ? new XmlRpcFault(code, message)
            : throw Refuse("a fault's faultCode is an int or a string and its faultString a string");
    }

    private async ValueTask<List<object?>> ReadParamsAsync()
    {
        var parameters = new List<object?>();
        if (_reader.IsEmptyElement)
        {
            await NextAsync();
            return parameters;
        }

        await NextAsync();
        while (await SkipWhitespaceAsync() == XmlNodeType.Element)
        {
            await EnterAsync("param");
            await SkipWhitespaceAsync();
            parameters.Add(await ReadValueAsync(0));
            await LeaveAsync("param");
        }

        ExpectEnd("params");
        await NextAsync();
        return parameters;
    }

    /// <summary>Reads the <c>&lt;value&gt;</c> the reader is on and leaves the reader on the node after it.</summary>
    private async ValueTask<object?> ReadValueAsync(int depth)
    {
        Expect("value");
        if (_reader.IsEmptyElement)
        {
            await NextAsync();
            return "";
        }

        await NextAsync();
        var text = await ReadTextNodesAsync();
        if (_reader.NodeType == XmlNodeType.EndElement)
        {
            // A value without a type element is a string (and <value></value> the empty one).
            await NextAsync();
            return text;
        }

        if (!string.IsNullOrWhiteSpace(text))
        {
            throw Refuse($"<value> mixes text '{WireText.Clip(text)}' with the element {Describe()}");
        }

        var type = _reader.LocalName;
        if (_reader.NamespaceURI.Length != 0 && _reader.NamespaceURI != ApacheExtensions)
        {
            throw Refuse($"unknown value type {Describe()} in namespace '{WireText.Clip(_reader.NamespaceURI)}'");
        }

        // One state machine per value: scalars go through synchronous helpers that complete without awaiting
        // whenever the reader has the element buffered, which is nearly always.
        object? value = type switch
        {
            "struct" => await ReadStructAsync(Nested(depth)),
            "array" => await ReadArrayAsync(Nested(depth)),
            "string" => await ReadTextElementAsync(),
            "int" or "i4" or "i8" or "boolean" or "double" or "dateTime.iso8601" or "base64" or "nil" => Scalar(type, await ReadTextElementAsync()),
            _ => throw Refuse($"unknown value type {Describe()}"),
        };
        if (await SkipWhitespaceAsync() != XmlNodeType.EndElement)
        {
            throw Refuse($"<value> holds more than one value: {Describe()} follows the first");
        }

        ExpectEnd("value");
        await NextAsync();
        return value;
    }

    private object? Scalar(string type, string text)
    {
        var trimmed = text.AsSpan().Trim();
        switch (type)
        {
            case "int" or "i4":
                return int.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i)
                    ? i
                    : throw Refuse(long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
                        ? $"<{type}>{WireText.Clip(text)}</{type}> is outside the 32-bit range (large integers travel as <i8>)"
                        : $"<{type}>{WireText.Clip(text)}</{type}> is not an integer");
            case "i8":
                return long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
                    ? l
                    : throw Refuse($"<i8>{WireText.Clip(text)}</i8> is not a 64-bit integer");
            case "boolean":
                return trimmed switch
                {
                    "1" => true,
                    "0" => false,
                    _ => throw Refuse($"<boolean>{WireText.Clip(text)}</boolean> is neither 0 nor 1"),
                };
            case "double":
                // NaN and infinities are refused: XML-RPC has no spelling for them and Odoo never sends them.
                return double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
                    ? d
                    : throw Refuse($"<double>{WireText.Clip(text)}</double> is not a finite number");
            case "dateTime.iso8601":
                return WireText.TryParseXmlRpcDate(trimmed, out var date)
                    ? date
                    : throw Refuse($"<dateTime.iso8601>{WireText.Clip(text)}</dateTime.iso8601> is not a date " +
                        "(expected 20240131T12:00:00 or 2024-01-31T12:00:00)");
            case "base64":
                return DecodeBase64(text);
            default:
                return trimmed.IsEmpty ? null : throw Refuse($"<nil/> holds text '{WireText.Clip(text)}'");
        }
    }

    private byte[] DecodeBase64(string text)
    {
        // Convert ignores the whitespace (line breaks every 76 characters, from Python) but nothing else.
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw Refuse($"<base64> holds text that is not base64: '{WireText.Clip(text)}'");
        }
    }

    private int Nested(int depth) => depth < _options.MaxDepth
        ? depth + 1
        : throw Refuse($"arrays and structs nest deeper than {_options.MaxDepth} levels");

    private async ValueTask<Dictionary<string, object?>> ReadStructAsync(int depth)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (_reader.IsEmptyElement)
        {
            await NextAsync();
            return result;
        }

        await NextAsync();
        while (await SkipWhitespaceAsync() == XmlNodeType.Element)
        {
            await EnterAsync("member");
            string? name = null;
            object? value = null;
            var hasValue = false;
            // Name comes first everywhere we know of; Python's parser accepts either order, so this one does too.
            while (await SkipWhitespaceAsync() == XmlNodeType.Element)
            {
                switch (_reader.LocalName)
                {
                    case "name" when name is null:
                        name = await ReadTextElementAsync();
                        break;
                    case "value" when !hasValue:
                        value = await ReadValueAsync(depth);
                        hasValue = true;
                        break;
                    default:
                        throw Refuse($"unexpected element {Describe()} in <member>");
                }
            }

            if (name is null || !hasValue)
            {
                throw Refuse(name is null ? "a struct <member> has no <name>" : $"struct member '{WireText.Clip(name)}' has no <value>");
            }

            ExpectEnd("member");
            await NextAsync();
            // A repeated name keeps the last value, as Python's dict does.
            result[name] = value;
        }

        ExpectEnd("struct");
        await NextAsync();
        return result;
    }

    private async ValueTask<List<object?>> ReadArrayAsync(int depth)
    {
        var result = new List<object?>();
        if (_reader.IsEmptyElement)
        {
            await NextAsync();
            return result;
        }

        await NextAsync();
        if (await SkipWhitespaceAsync() == XmlNodeType.Element)
        {
            Expect("data");
            if (_reader.IsEmptyElement)
            {
                await NextAsync();
            }
            else
            {
                await NextAsync();
                while (await SkipWhitespaceAsync() == XmlNodeType.Element)
                {
                    result.Add(await ReadValueAsync(depth));
                }

                ExpectEnd("data");
                await NextAsync();
            }

            await SkipWhitespaceAsync();
        }

        ExpectEnd("array");
        await NextAsync();
        return result;
    }

    /// <summary>
    /// Reads the text of the element the reader is on (no child elements) and moves past its end tag. Completes
    /// synchronously when the element is buffered; each await point has its own small continuation otherwise.
    /// </summary>
    private ValueTask<string> ReadTextElementAsync()
    {
        var name = _reader.LocalName;
        if (_reader.IsEmptyElement)
        {
            return Then(NextAsync(), "");
        }

        var next = NextAsync();
        if (!next.IsCompletedSuccessfully)
        {
            return ReadTextElementSlowAsync(name, next);
        }

        var text = ReadTextNodesAsync();
        return text.IsCompletedSuccessfully ? EndTextElement(name, text.Result) : EndTextElementAsync(name, text);
    }

    private async ValueTask<string> ReadTextElementSlowAsync(string name, ValueTask pending)
    {
        await pending;
        return await EndTextElement(name, await ReadTextNodesAsync());
    }

    private async ValueTask<string> EndTextElementAsync(string name, ValueTask<string> text) => await EndTextElement(name, await text);

    private ValueTask<string> EndTextElement(string name, string text) => _reader.NodeType == XmlNodeType.EndElement
        ? Then(NextAsync(), text)
        : throw Refuse($"unexpected element {Describe()} inside <{name}>");

    private static ValueTask<string> Then(ValueTask pending, string result) =>
        pending.IsCompletedSuccessfully ? new ValueTask<string>(result) : AwaitThen(pending, result);

    private static async ValueTask<string> AwaitThen(ValueTask pending, string result)
    {
        await pending;
        return result;
    }

    /// <summary>Concatenates the text, CDATA and whitespace nodes from the current one on (node's xmlrpc mixes them).</summary>
    private ValueTask<string> ReadTextNodesAsync()
    {
        if (!IsText(_reader.NodeType))
        {
            return new ValueTask<string>("");
        }

        // GetValueAsync, not Value: a long text node may still be partly unread, and Value would read it synchronously.
        var value = _reader.GetValueAsync();
        if (!value.IsCompletedSuccessfully)
        {
            return ReadTextNodesSlowAsync(value, null);
        }

        // The common case: one text node, already buffered, then an element or an end tag.
        var next = NextAsync();
        return next.IsCompletedSuccessfully && !IsText(_reader.NodeType)
            ? new ValueTask<string>(value.Result)
            : ReadTextNodesSlowAsync(value, next);
    }

    /// <param name="first">The value of the first text node.</param>
    /// <param name="advanced">The move past the first text node when it was already started, otherwise null.</param>
    private async ValueTask<string> ReadTextNodesSlowAsync(Task<string> first, ValueTask? advanced)
    {
        var text = _text ??= new StringBuilder();
        text.Clear();
        text.Append(await first);
        await (advanced ?? NextAsync());

        while (IsText(_reader.NodeType))
        {
            text.Append(await _reader.GetValueAsync());
            await NextAsync();
        }

        var joined = text.ToString();
        text.Clear();
        return joined;
    }

    private static bool IsText(XmlNodeType node) =>
        node is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace;

    private async ValueTask StartDocumentAsync(string root)
    {
        XmlNodeType node;
        try
        {
            node = await _reader.MoveToContentAsync();
        }
        catch (XmlException e) when (e.Message.StartsWith("Root element is missing", StringComparison.Ordinal))
        {
            throw Refuse("the document is empty", e);
        }

        _cancellationToken.ThrowIfCancellationRequested();
        if (node != XmlNodeType.Element)
        {
            throw Refuse("the document is empty");
        }

        CountElement();
        if (_reader.LocalName != root || _reader.NamespaceURI.Length != 0)
        {
            throw Refuse($"expected <{root}>, found {Describe()}");
        }
    }

    /// <summary>After the root's end tag: the XML reader itself refuses anything but whitespace, comments and PIs.</summary>
    private async ValueTask EndDocumentAsync()
    {
        while (await _reader.ReadAsync())
        {
            _cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private async ValueTask EnterAsync(string name)
    {
        Expect(name);
        if (_reader.IsEmptyElement)
        {
            throw Refuse($"<{name}> is empty");
        }

        await NextAsync();
    }

    private async ValueTask LeaveAsync(string name)
    {
        if (await SkipWhitespaceAsync() != XmlNodeType.EndElement)
        {
            throw Refuse($"unexpected {Describe()} in <{name}>");
        }

        ExpectEnd(name);
        await NextAsync();
    }

    /// <summary>Skips whitespace between elements; any other text there is refused. Returns the node it stops on.</summary>
    private ValueTask<XmlNodeType> SkipWhitespaceAsync()
    {
        while (_reader.NodeType is XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace)
        {
            var next = NextAsync();
            if (!next.IsCompletedSuccessfully)
            {
                return SkipWhitespaceSlowAsync(next);
            }
        }

        return _reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA
            ? SkipWhitespaceSlowAsync(ValueTask.CompletedTask)
            : new ValueTask<XmlNodeType>(_reader.NodeType);
    }

    private async ValueTask<XmlNodeType> SkipWhitespaceSlowAsync(ValueTask pending)
    {
        await pending;
        while (_reader.NodeType is XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace)
        {
            await NextAsync();
        }

        return _reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA
            ? throw Refuse($"unexpected text '{WireText.Clip(await _reader.GetValueAsync())}' between elements")
            : _reader.NodeType;
    }

    /// <summary>
    /// Moves to the next node. Not an async method: nearly every read is served from the reader's buffer, and the
    /// synchronous path then costs no state machine; only a read that waits on the stream takes the slow path.
    /// </summary>
    private ValueTask NextAsync()
    {
        _cancellationToken.ThrowIfCancellationRequested();
        do
        {
            var read = _reader.ReadAsync();
            if (!read.IsCompletedSuccessfully)
            {
                return AwaitReadAsync(read);
            }

            OnRead(read.Result);
        }
        while (IsSkipped(_reader.NodeType));

        return ValueTask.CompletedTask;
    }

    private async ValueTask AwaitReadAsync(Task<bool> read)
    {
        OnRead(await read);
        while (IsSkipped(_reader.NodeType))
        {
            _cancellationToken.ThrowIfCancellationRequested();
            OnRead(await _reader.ReadAsync());
        }
    }

    /// <summary>Comments and processing instructions carry nothing for XML-RPC.</summary>
    private static bool IsSkipped(XmlNodeType node) => node is XmlNodeType.Comment or XmlNodeType.ProcessingInstruction;

    private void OnRead(bool more)
    {
        if (!more)
        {
            throw Refuse("the document ends early");
        }

        if (_reader.NodeType == XmlNodeType.Element)
        {
            CountElement();
        }
    }

    private void CountElement()
    {
        if (++_elements > _options.MaxElements)
        {
            throw Refuse($"the document holds more than {_options.MaxElements} elements");
        }
    }

    private void Expect(string name)
    {
        if (_reader.NodeType != XmlNodeType.Element || _reader.LocalName != name || _reader.NamespaceURI.Length != 0)
        {
            throw Refuse($"expected <{name}>, found {Describe()}");
        }
    }

    private void ExpectEnd(string name)
    {
        if (_reader.NodeType != XmlNodeType.EndElement || _reader.LocalName != name)
        {
            throw Refuse($"expected </{name}>, found {Describe()}");
        }
    }

    private string Describe() => _reader.NodeType switch
    {
        XmlNodeType.Element => $"<{WireText.Clip(_reader.Name)}>",
        XmlNodeType.EndElement => $"</{WireText.Clip(_reader.Name)}>",
        XmlNodeType.Text or XmlNodeType.CDATA => "text",
        XmlNodeType.None => "the end of the document",
        var other => other.ToString(),
    };

    private XmlRpcFormatException Refuse(string message, Exception? inner = null)
    {
        // The XML reader knows where it is; a position makes a refusal of a large body actionable.
        var at = _reader is IXmlLineInfo { LineNumber: > 0 } info
            ? $" (line {info.LineNumber}, position {info.LinePosition})"
            : "";
        return inner is null ? new XmlRpcFormatException(message + at) : new XmlRpcFormatException(message + at, inner);
    }
}
