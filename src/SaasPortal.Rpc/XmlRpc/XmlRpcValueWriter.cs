using System.Collections;
using System.Globalization;
using System.Text;
using System.Xml;

namespace SaasPortal.Rpc.XmlRpc;

/// <summary>
/// Writes XML-RPC documents with an <see cref="XmlWriter"/> into memory. Synchronous on purpose: the target is a
/// buffer, so async calls would only add state machines; the caller copies the finished document to the network
/// asynchronously, and a value that cannot be written fails before any byte has gone out.
/// </summary>
/// <remarks>
/// The markup is fixed by this class, so it goes out through <see cref="XmlWriter.WriteRaw(string)"/> as constant
/// strings ("&lt;value&gt;&lt;int&gt;"), which skips the well-formedness bookkeeping of one call per tag; every piece
/// of caller text (strings, member names, the method name) goes through <see cref="XmlWriter.WriteString"/>, which
/// escapes it, after this class has checked it for characters XML 1.0 cannot carry.
/// </remarks>
internal sealed class XmlRpcValueWriter
{
    private static readonly XmlWriterSettings Settings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = false,
        // "\r" survives only as &#xD;: a raw one would be normalised to "\n" by the client's parser.
        NewLineHandling = NewLineHandling.Entitize,
        // Checked by this class with a message that names the character; the XmlWriter's check would only repeat it.
        CheckCharacters = false,
        CloseOutput = false,
    };

    private readonly XmlWriter _writer;
    private readonly XmlRpcOptions _options;
    private readonly char[] _number = new char[32];

    private XmlRpcValueWriter(XmlWriter writer, XmlRpcOptions options)
    {
        _writer = writer;
        _options = options;
    }

    public static void WriteResponse(Stream output, object? value, XmlRpcOptions options) =>
        Write(output, options, "methodResponse", w =>
        {
            w._writer.WriteRaw("<params><param>");
            w.WriteValue(value, 0);
            w._writer.WriteRaw("</param></params>");
        });

    public static void WriteFault(Stream output, object faultCode, string faultString, XmlRpcOptions options)
    {
        if (faultCode is not (int or string))
        {
            throw new RpcEncodingException($"an XML-RPC faultCode is an int or a string, not {faultCode?.GetType().Name ?? "null"}");
        }

        Write(output, options, "methodResponse", w =>
        {
            // A fault is the answer of last resort and must always be writable: text XML cannot carry is replaced.
            w._writer.WriteRaw("<fault><value><struct>");
            w.WriteMember("faultCode", faultCode is string code ? WireText.ToXmlSafe(code) : faultCode, 0);
            w.WriteMember("faultString", WireText.ToXmlSafe(faultString ?? ""), 0);
            w._writer.WriteRaw("</struct></value></fault>");
        });
    }

    public static void WriteCall(Stream output, string methodName, IEnumerable<object?> parameters, XmlRpcOptions options)
    {
        if (string.IsNullOrWhiteSpace(methodName))
        {
            throw new RpcEncodingException("a methodCall needs a method name");
        }

        Write(output, options, "methodCall", w =>
        {
            w._writer.WriteRaw("<methodName>");
            w.WriteText(methodName, "the method name");
            w._writer.WriteRaw("</methodName><params>");
            foreach (var parameter in parameters)
            {
                w._writer.WriteRaw("<param>");
                w.WriteValue(parameter, 0);
                w._writer.WriteRaw("</param>");
            }

            w._writer.WriteRaw("</params>");
        });
    }

    private static void Write(Stream output, XmlRpcOptions options, string root, Action<XmlRpcValueWriter> body)
    {
        using var writer = XmlWriter.Create(output, Settings);
        writer.WriteStartDocument();
        // The root goes through the checked API so that the writer knows it is in element content, where text is allowed.
        writer.WriteStartElement(root);
        body(new XmlRpcValueWriter(writer, options));
        writer.WriteEndElement();
        writer.WriteEndDocument();
    }

    /// <summary>
    /// Writes one value. Accepts the wire value model and the .NET types that map onto it without loss of meaning:
    /// short/byte/sbyte/ushort as int, uint/ulong as int or i8, float/decimal as double, DateTimeOffset as its UTC
    /// time, IDictionary&lt;string, object?&gt; and IReadOnlyDictionary&lt;string, object?&gt; (and a non-generic
    /// IDictionary with string keys) as struct, any other IEnumerable but string and byte[] as array.
    /// </summary>
    private void WriteValue(object? value, int depth)
    {
        switch (value)
        {
            case null when _options.AllowNone:
                _writer.WriteRaw("<value><nil/></value>");
                break;
            case null:
                _writer.WriteRaw("<value><boolean>0</boolean></value>");
                break;
            case bool b:
                _writer.WriteRaw(b ? "<value><boolean>1</boolean></value>" : "<value><boolean>0</boolean></value>");
                break;
            case string s:
                _writer.WriteRaw("<value><string>");
                WriteText(s, "a string");
                _writer.WriteRaw("</string></value>");
                break;
            case int i:
                WriteInteger(i);
                break;
            case long l:
                WriteInteger(l);
                break;
            case short or byte or sbyte or ushort:
                WriteInteger(Convert.ToInt32(value, CultureInfo.InvariantCulture));
                break;
            case uint u:
                WriteInteger(u);
                break;
            case ulong u:
                WriteInteger(u <= long.MaxValue ? (long)u : throw new RpcEncodingException($"{u} does not fit XML-RPC's 64-bit <i8>"));
                break;
            case double d:
                WriteDouble(d);
                break;
            case float f:
                WriteDouble(f);
                break;
            case decimal m:
                WriteDouble((double)m);
                break;
            case DateTime dt:
                WriteDate(dt);
                break;
            case DateTimeOffset dto:
                WriteDate(dto.UtcDateTime);
                break;
            case byte[] bytes:
                _writer.WriteRaw("<value><base64>");
                _writer.WriteBase64(bytes, 0, bytes.Length);
                _writer.WriteRaw("</base64></value>");
                break;
            case IDictionary<string, object?> dict:
                WriteStruct(dict, depth);
                break;
            case IReadOnlyDictionary<string, object?> dict:
                WriteStruct(dict, depth);
                break;
            case IDictionary dict:
                WriteStruct(WireStructs.StringKeyed(dict), depth);
                break;
            case IEnumerable sequence:
                WriteArray(sequence, depth);
                break;
            default:
                throw new RpcEncodingException($"XML-RPC has no representation for a {value.GetType().FullName}");
        }
    }

    private void WriteStruct(IEnumerable<KeyValuePair<string, object?>> members, int depth)
    {
        var nested = Nested(depth);
        _writer.WriteRaw("<value><struct>");
        foreach (var (name, item) in members)
        {
            WriteMember(name, item, nested);
        }

        _writer.WriteRaw("</struct></value>");
    }

    private void WriteMember(string name, object? value, int depth)
    {
        _writer.WriteRaw("<member><name>");
        WriteText(name, "a struct member name");
        _writer.WriteRaw("</name>");
        WriteValue(value, depth);
        _writer.WriteRaw("</member>");
    }

    private void WriteArray(IEnumerable items, int depth)
    {
        var nested = Nested(depth);
        _writer.WriteRaw("<value><array><data>");
        foreach (var item in items)
        {
            WriteValue(item, nested);
        }

        _writer.WriteRaw("</data></array></value>");
    }

    private int Nested(int depth) => depth < _options.MaxDepth
        ? depth + 1
        : throw new RpcEncodingException($"the value nests arrays and structs deeper than {_options.MaxDepth} levels");

    private void WriteInteger(long value)
    {
        // i8 only where int cannot hold the value: every XML-RPC client reads <int>, not all of them <i8>.
        var small = value is >= int.MinValue and <= int.MaxValue;
        _writer.WriteRaw(small ? "<value><int>" : "<value><i8>");
        value.TryFormat(_number, out var written, default, CultureInfo.InvariantCulture);
        _writer.WriteRaw(_number, 0, written);
        _writer.WriteRaw(small ? "</int></value>" : "</i8></value>");
    }

    private void WriteDouble(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new RpcEncodingException($"XML-RPC cannot carry {value.ToString(CultureInfo.InvariantCulture)}");
        }

        // "R" is the shortest text that parses back to the same double; Python's float() reads its exponent form.
        _writer.WriteRaw("<value><double>");
        value.TryFormat(_number, out var written, "R", CultureInfo.InvariantCulture);
        _writer.WriteRaw(_number, 0, written);
        _writer.WriteRaw("</double></value>");
    }

    private void WriteDate(DateTime value)
    {
        // Whole seconds: Python's xmlrpc.client parses exactly %Y%m%dT%H:%M:%S and nothing finer.
        _writer.WriteRaw("<value><dateTime.iso8601>");
        value.TryFormat(_number, out var written, WireText.XmlRpcDateFormat, CultureInfo.InvariantCulture);
        _writer.WriteRaw(_number, 0, written);
        _writer.WriteRaw("</dateTime.iso8601></value>");
    }

    private void WriteText(string text, string what)
    {
        var invalid = WireText.IndexOfInvalidXmlChar(text);
        if (invalid >= 0)
        {
            throw new RpcEncodingException(
                $"{what} holds {WireText.Describe(text[invalid])} at index {invalid}, which XML 1.0 cannot carry " +
                $"(text starting '{WireText.Clip(text)}')");
        }

        _writer.WriteString(text);
    }
}
