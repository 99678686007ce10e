using System.Collections;
using System.Globalization;
using System.Text;
using System.Xml;

namespace SaasPortal.Api.XmlRpc;

/// <summary>A parsed methodCall.</summary>
internal sealed record XmlRpcCall(string Method, IReadOnlyList<object?> Params);

/// <summary>A request the XML-RPC reader refuses; the message says what was wrong.</summary>
internal sealed class XmlRpcWireException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// INTERIM XML-RPC reader and writer of the edge, kept to the value model of docs/rpc-codec.md so that it can be
/// replaced by SaasPortal.Rpc's codec without touching the endpoint. Streaming (XmlReader/XmlWriter, no DOM),
/// DTDs refused, no resolver, nesting bounded.
/// </summary>
internal static class XmlRpcWire
{
    private const int MaxDepth = 128;

    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        Async = true,
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CloseInput = false,
    };

    private static readonly XmlWriterSettings WriterSettings = new()
    {
        Async = true,
        Encoding = new UTF8Encoding(false),
        Indent = false,
        CloseOutput = false,
    };

    public static async Task<XmlRpcCall> ReadCallAsync(Stream body, CancellationToken cancellationToken)
    {
        try
        {
            using var reader = XmlReader.Create(body, ReaderSettings);
            await MoveToContentAsync(reader, cancellationToken);
            Expect(reader, "methodCall");
            if (reader.IsEmptyElement)
            {
                throw new XmlRpcWireException("methodCall lacks methodName");
            }

            await NextAsync(reader, cancellationToken);
            string? method = null;
            var parameters = new List<object?>();
            while (reader.NodeType != XmlNodeType.EndElement)
            {
                if (reader.NodeType != XmlNodeType.Element)
                {
                    await SkipWhitespaceAsync(reader, cancellationToken);
                    continue;
                }

                switch (reader.LocalName)
                {
                    case "methodName":
                        method = (await ReadTextAsync(reader, cancellationToken)).Trim();
                        break;
                    case "params":
                        await ReadParamsAsync(reader, parameters, cancellationToken);
                        break;
                    default:
                        throw new XmlRpcWireException($"unexpected element <{reader.LocalName}> in methodCall");
                }
            }

            // Nothing but whitespace and comments may follow the document element.
            while (await reader.ReadAsync())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (reader.NodeType is not (XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace or XmlNodeType.EndElement))
                {
                    throw new XmlRpcWireException("content after the end of methodCall");
                }
            }

            return string.IsNullOrEmpty(method)
                ? throw new XmlRpcWireException("methodCall lacks methodName")
                : new XmlRpcCall(method, parameters);
        }
        catch (XmlException e)
        {
            throw new XmlRpcWireException(e.Message, e);
        }
    }

    public static async Task WriteResponseAsync(Stream output, object? value, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await using (var writer = XmlWriter.Create(buffer, WriterSettings))
        {
            await writer.WriteStartDocumentAsync();
            await writer.WriteStartElementAsync(null, "methodResponse", null);
            await writer.WriteStartElementAsync(null, "params", null);
            await writer.WriteStartElementAsync(null, "param", null);
            await WriteValueAsync(writer, value, 0);
            await writer.WriteEndElementAsync();
            await writer.WriteEndElementAsync();
            await writer.WriteEndElementAsync();
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(output, cancellationToken);
    }

    public static async Task WriteFaultAsync(Stream output, object code, string message, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await using (var writer = XmlWriter.Create(buffer, WriterSettings))
        {
            await writer.WriteStartDocumentAsync();
            await writer.WriteStartElementAsync(null, "methodResponse", null);
            await writer.WriteStartElementAsync(null, "fault", null);
            await WriteValueAsync(writer, new Dictionary<string, object?> { ["faultCode"] = code, ["faultString"] = Printable(message) }, 0);
            await writer.WriteEndElementAsync();
            await writer.WriteEndElementAsync();
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(output, cancellationToken);
    }

    private static async Task ReadParamsAsync(XmlReader reader, List<object?> parameters, CancellationToken cancellationToken)
    {
        if (reader.IsEmptyElement)
        {
            await NextAsync(reader, cancellationToken);
            return;
        }

        await NextAsync(reader, cancellationToken);
        while (reader.NodeType != XmlNodeType.EndElement)
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                await SkipWhitespaceAsync(reader, cancellationToken);
                continue;
            }

            Expect(reader, "param");
            await NextAsync(reader, cancellationToken);
            await SkipWhitespaceAsync(reader, cancellationToken);
            parameters.Add(await ReadValueAsync(reader, 0, cancellationToken));
            await SkipWhitespaceAsync(reader, cancellationToken);
            ExpectEnd(reader, "param");
            await NextAsync(reader, cancellationToken);
        }

        await NextAsync(reader, cancellationToken);
    }

    /// <summary>Reads one &lt;value&gt; (the reader is on its start tag) and leaves the reader after its end tag.</summary>
    private static async Task<object?> ReadValueAsync(XmlReader reader, int depth, CancellationToken cancellationToken)
    {
        if (depth > MaxDepth)
        {
            throw new XmlRpcWireException($"values nested deeper than {MaxDepth}");
        }

        Expect(reader, "value");
        if (reader.IsEmptyElement)
        {
            await NextAsync(reader, cancellationToken);
            return "";
        }

        await NextAsync(reader, cancellationToken);
        var text = new StringBuilder();
        while (reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace)
        {
            text.Append(reader.Value);
            await NextAsync(reader, cancellationToken);
        }

        if (reader.NodeType == XmlNodeType.EndElement)
        {
            // An untyped value is a string.
            await NextAsync(reader, cancellationToken);
            return text.ToString();
        }

        if (reader.NodeType != XmlNodeType.Element || !string.IsNullOrWhiteSpace(text.ToString()))
        {
            throw new XmlRpcWireException("a value mixes text and a typed element");
        }

        var value = await ReadTypedAsync(reader, depth, cancellationToken);
        await SkipWhitespaceAsync(reader, cancellationToken);
        ExpectEnd(reader, "value");
        await NextAsync(reader, cancellationToken);
        return value;
    }

    private static async Task<object?> ReadTypedAsync(XmlReader reader, int depth, CancellationToken cancellationToken)
    {
        var type = reader.LocalName;
        switch (type)
        {
            case "nil":
                await ReadTextAsync(reader, cancellationToken);
                return null;
            case "struct":
                return await ReadStructAsync(reader, depth, cancellationToken);
            case "array":
                return await ReadArrayAsync(reader, depth, cancellationToken);
        }

        var text = await ReadTextAsync(reader, cancellationToken);
        switch (type)
        {
            case "string":
                return text;
            case "int" or "i4":
                return int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i)
                    ? i
                    : throw new XmlRpcWireException($"<{type}>{Clip(text)}</{type}> is not a 32-bit integer");
            case "i8":
                return long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
                    ? l
                    : throw new XmlRpcWireException($"<i8>{Clip(text)}</i8> is not a 64-bit integer");
            case "boolean":
                return text.Trim() switch
                {
                    "1" => true,
                    "0" => false,
                    _ => throw new XmlRpcWireException($"<boolean>{Clip(text)}</boolean> is not 0 or 1"),
                };
            case "double":
                return double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
                    ? d
                    : throw new XmlRpcWireException($"<double>{Clip(text)}</double> is not a number");
            case "dateTime.iso8601":
                string[] formats = ["yyyyMMdd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss", "yyyyMMdd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF"];
                return DateTime.TryParseExact(text.Trim(), formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var dt)
                    ? dt
                    : throw new XmlRpcWireException($"<dateTime.iso8601>{Clip(text)}</dateTime.iso8601> is not a date");
            case "base64":
                try
                {
                    return Convert.FromBase64String(text);
                }
                catch (FormatException)
                {
                    throw new XmlRpcWireException("<base64> holds invalid base64");
                }

            default:
                throw new XmlRpcWireException($"unknown value type <{Clip(type)}>");
        }
    }

    private static async Task<Dictionary<string, object?>> ReadStructAsync(XmlReader reader, int depth, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (reader.IsEmptyElement)
        {
            await NextAsync(reader, cancellationToken);
            return result;
        }

        await NextAsync(reader, cancellationToken);
        await SkipWhitespaceAsync(reader, cancellationToken);
        while (reader.NodeType == XmlNodeType.Element)
        {
            Expect(reader, "member");
            await NextAsync(reader, cancellationToken);
            await SkipWhitespaceAsync(reader, cancellationToken);
            Expect(reader, "name");
            var name = await ReadTextAsync(reader, cancellationToken);
            await SkipWhitespaceAsync(reader, cancellationToken);
            result[name] = await ReadValueAsync(reader, depth + 1, cancellationToken);
            await SkipWhitespaceAsync(reader, cancellationToken);
            ExpectEnd(reader, "member");
            await NextAsync(reader, cancellationToken);
            await SkipWhitespaceAsync(reader, cancellationToken);
        }

        ExpectEnd(reader, "struct");
        await NextAsync(reader, cancellationToken);
        return result;
    }

    private static async Task<List<object?>> ReadArrayAsync(XmlReader reader, int depth, CancellationToken cancellationToken)
    {
        var result = new List<object?>();
        if (reader.IsEmptyElement)
        {
            await NextAsync(reader, cancellationToken);
            return result;
        }

        await NextAsync(reader, cancellationToken);
        await SkipWhitespaceAsync(reader, cancellationToken);
        Expect(reader, "data");
        if (reader.IsEmptyElement)
        {
            await NextAsync(reader, cancellationToken);
        }
        else
        {
            await NextAsync(reader, cancellationToken);
            await SkipWhitespaceAsync(reader, cancellationToken);
            while (reader.NodeType == XmlNodeType.Element)
            {
                result.Add(await ReadValueAsync(reader, depth + 1, cancellationToken));
                await SkipWhitespaceAsync(reader, cancellationToken);
            }

            ExpectEnd(reader, "data");
            await NextAsync(reader, cancellationToken);
        }

        await SkipWhitespaceAsync(reader, cancellationToken);
        ExpectEnd(reader, "array");
        await NextAsync(reader, cancellationToken);
        return result;
    }

    /// <summary>Reads the text of the current element (no child elements allowed) and moves past its end tag.</summary>
    private static async Task<string> ReadTextAsync(XmlReader reader, CancellationToken cancellationToken)
    {
        var name = reader.LocalName;
        if (reader.IsEmptyElement)
        {
            await NextAsync(reader, cancellationToken);
            return "";
        }

        await NextAsync(reader, cancellationToken);
        var text = new StringBuilder();
        while (reader.NodeType != XmlNodeType.EndElement)
        {
            if (reader.NodeType == XmlNodeType.Element)
            {
                throw new XmlRpcWireException($"unexpected element <{reader.LocalName}> inside <{name}>");
            }

            text.Append(reader.Value);
            await NextAsync(reader, cancellationToken);
        }

        await NextAsync(reader, cancellationToken);
        return text.ToString();
    }

    private static async Task SkipWhitespaceAsync(XmlReader reader, CancellationToken cancellationToken)
    {
        while (reader.NodeType is XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace or XmlNodeType.XmlDeclaration)
        {
            await NextAsync(reader, cancellationToken);
        }

        if (reader.NodeType == XmlNodeType.Text)
        {
            throw new XmlRpcWireException($"unexpected text '{Clip(reader.Value)}'");
        }
    }

    private static async Task MoveToContentAsync(XmlReader reader, CancellationToken cancellationToken)
    {
        try
        {
            await reader.MoveToContentAsync();
        }
        catch (XmlException e)
        {
            throw new XmlRpcWireException(e.Message, e);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (reader.NodeType != XmlNodeType.Element)
        {
            throw new XmlRpcWireException("the request body is not an XML-RPC methodCall");
        }
    }

    private static async Task NextAsync(XmlReader reader, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!await reader.ReadAsync())
        {
            throw new XmlRpcWireException("the document ends too early");
        }
    }

    private static void Expect(XmlReader reader, string name)
    {
        if (reader.NodeType != XmlNodeType.Element || reader.LocalName != name)
        {
            throw new XmlRpcWireException($"expected <{name}>, found {Describe(reader)}");
        }
    }

    private static void ExpectEnd(XmlReader reader, string name)
    {
        if (reader.NodeType != XmlNodeType.EndElement || reader.LocalName != name)
        {
            throw new XmlRpcWireException($"expected </{name}>, found {Describe(reader)}");
        }
    }

    private static string Describe(XmlReader reader) => reader.NodeType switch
    {
        XmlNodeType.Element => $"<{Clip(reader.LocalName)}>",
        XmlNodeType.EndElement => $"</{Clip(reader.LocalName)}>",
        XmlNodeType.Text => $"text '{Clip(reader.Value)}'",
        var other => other.ToString(),
    };

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static async Task WriteValueAsync(XmlWriter writer, object? value, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidOperationException($"result nested deeper than {MaxDepth}");
        }

        await writer.WriteStartElementAsync(null, "value", null);
        switch (value)
        {
            case null or false:
                await writer.WriteElementStringAsync(null, "boolean", null, "0");
                break;
            case true:
                await writer.WriteElementStringAsync(null, "boolean", null, "1");
                break;
            case string s:
                await writer.WriteElementStringAsync(null, "string", null, Printable(s));
                break;
            case int or short or byte or sbyte or ushort:
                await writer.WriteElementStringAsync(null, "int", null, Convert.ToInt32(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
                break;
            case long l:
                await writer.WriteElementStringAsync(null, l is >= int.MinValue and <= int.MaxValue ? "int" : "i8", null, l.ToString(CultureInfo.InvariantCulture));
                break;
            case double or float or decimal:
                var d = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                await writer.WriteElementStringAsync(null, "double", null, double.IsFinite(d)
                    ? d.ToString("R", CultureInfo.InvariantCulture)
                    : throw new InvalidOperationException("XML-RPC cannot carry NaN or infinity"));
                break;
            case DateTime dt:
                await writer.WriteElementStringAsync(null, "dateTime.iso8601", null, dt.ToString("yyyyMMdd'T'HH:mm:ss", CultureInfo.InvariantCulture));
                break;
            case DateTimeOffset dto:
                await writer.WriteElementStringAsync(null, "dateTime.iso8601", null, dto.UtcDateTime.ToString("yyyyMMdd'T'HH:mm:ss", CultureInfo.InvariantCulture));
                break;
            case byte[] bytes:
                await writer.WriteElementStringAsync(null, "base64", null, Convert.ToBase64String(bytes));
                break;
            case IDictionary<string, object?> dict:
                await WriteStructAsync(writer, dict, depth);
                break;
            case IReadOnlyDictionary<string, object?> dict:
                await WriteStructAsync(writer, dict, depth);
                break;
            case IEnumerable sequence:
                await writer.WriteStartElementAsync(null, "array", null);
                await writer.WriteStartElementAsync(null, "data", null);
                foreach (var item in sequence)
                {
                    await WriteValueAsync(writer, item, depth + 1);
                }

                await writer.WriteEndElementAsync();
                await writer.WriteEndElementAsync();
                break;
            default:
                await writer.WriteElementStringAsync(null, "string", null, Printable(value.ToString() ?? ""));
                break;
        }

        await writer.WriteEndElementAsync();
    }

    private static async Task WriteStructAsync(XmlWriter writer, IEnumerable<KeyValuePair<string, object?>> members, int depth)
    {
        await writer.WriteStartElementAsync(null, "struct", null);
        foreach (var (name, item) in members)
        {
            await writer.WriteStartElementAsync(null, "member", null);
            await writer.WriteElementStringAsync(null, "name", null, Printable(name));
            await WriteValueAsync(writer, item, depth + 1);
            await writer.WriteEndElementAsync();
        }

        await writer.WriteEndElementAsync();
    }

    /// <summary>XML 1.0 cannot carry most control characters; they are replaced so a response is always well-formed.</summary>
    private static string Printable(string text)
    {
        foreach (var c in text)
        {
            if (c < 0x20 && c is not ('\t' or '\n' or '\r') || c is '\uFFFE' or '\uFFFF')
            {
                return string.Concat(text.Select(ch => ch < 0x20 && ch is not ('\t' or '\n' or '\r') || ch is '\uFFFE' or '\uFFFF' ? '\uFFFD' : ch));
            }
        }

        return text;
    }
}
