using System.Collections;
using System.Globalization;
using System.Text.Json;

namespace SaasPortal.Rpc.JsonRpc;

/// <summary>
/// The wire value model to JSON with <see cref="Utf8JsonWriter"/>, in the forms Odoo's JSON-RPC uses: DateTime as
/// "yyyy-MM-dd HH:mm:ss", byte[] as a base64 string, doubles always with a fraction or exponent (1.0, not 1) so they
/// read back as doubles, as Python's json writes them. Accepts the same .NET types as the XML-RPC writer.
/// </summary>
internal static class JsonValueWriter
{
    public static void Write(Utf8JsonWriter writer, object? value, int depth, int maxDepth)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case string s:
                writer.WriteStringValue(Checked(s));
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case short or byte or sbyte or ushort:
                writer.WriteNumberValue(Convert.ToInt32(value, CultureInfo.InvariantCulture));
                break;
            case uint u:
                writer.WriteNumberValue(u);
                break;
            case ulong u:
                writer.WriteNumberValue(u);
                break;
            case double d:
                WriteDouble(writer, d);
                break;
            case float f:
                WriteDouble(writer, f);
                break;
            case decimal m:
                WriteDouble(writer, (double)m);
                break;
            case DateTime dt:
                WriteDate(writer, dt);
                break;
            case DateTimeOffset dto:
                WriteDate(writer, dto.UtcDateTime);
                break;
            case byte[] bytes:
                writer.WriteBase64StringValue(bytes);
                break;
            case IDictionary<string, object?> dict:
                WriteObject(writer, dict, depth, maxDepth);
                break;
            case IReadOnlyDictionary<string, object?> dict:
                WriteObject(writer, dict, depth, maxDepth);
                break;
            case IDictionary dict:
                WriteObject(writer, WireStructs.StringKeyed(dict), depth, maxDepth);
                break;
            case IEnumerable sequence:
                var nested = Nested(depth, maxDepth);
                writer.WriteStartArray();
                foreach (var item in sequence)
                {
                    Write(writer, item, nested, maxDepth);
                }

                writer.WriteEndArray();
                break;
            default:
                throw new RpcEncodingException($"JSON-RPC has no representation for a {value.GetType().FullName}");
        }
    }

    private static void WriteObject(Utf8JsonWriter writer, IEnumerable<KeyValuePair<string, object?>> members, int depth, int maxDepth)
    {
        var nested = Nested(depth, maxDepth);
        writer.WriteStartObject();
        foreach (var (name, item) in members)
        {
            writer.WritePropertyName(Checked(name));
            Write(writer, item, nested, maxDepth);
        }

        writer.WriteEndObject();
    }

    private static void WriteDouble(Utf8JsonWriter writer, double value)
    {
        if (!double.IsFinite(value))
        {
            throw new RpcEncodingException($"JSON cannot carry {value.ToString(CultureInfo.InvariantCulture)}");
        }

        Span<byte> text = stackalloc byte[34];
        value.TryFormat(text, out var written, "R", CultureInfo.InvariantCulture);
        if (text[..written].IndexOfAny(".E"u8) < 0)
        {
            ".0"u8.CopyTo(text[written..]);
            written += 2;
        }

        writer.WriteRawValue(text[..written], skipInputValidation: true);
    }

    private static void WriteDate(Utf8JsonWriter writer, DateTime value)
    {
        Span<byte> text = stackalloc byte[32];
        value.TryFormat(text, out var written, WireText.JsonDateFormat, CultureInfo.InvariantCulture);
        writer.WriteStringValue(text[..written]);
    }

    /// <summary>JSON can escape any UTF-16 code unit, but a lone surrogate is not text and Utf8JsonWriter refuses it.</summary>
    private static string Checked(string text)
    {
        var at = WireText.IndexOfLoneSurrogate(text);
        return at < 0
            ? text
            : throw new RpcEncodingException(
                $"a string holds the unpaired surrogate {WireText.Describe(text[at])} at index {at} (text starting '{WireText.Clip(text)}')");
    }

    private static int Nested(int depth, int maxDepth) => depth < maxDepth
        ? depth + 1
        : throw new RpcEncodingException($"the value nests arrays and objects deeper than {maxDepth} levels");
}
