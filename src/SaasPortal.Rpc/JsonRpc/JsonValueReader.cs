using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace SaasPortal.Rpc.JsonRpc;

/// <summary>
/// JSON to the wire value model, straight from <see cref="Utf8JsonReader"/> (no JsonDocument in between) or from a
/// <see cref="JsonElement"/> a caller already has. Integers become int, or long outside int's range; any number with
/// a fraction or an exponent, and integers past long, become double.
/// </summary>
internal static class JsonValueReader
{
    public static object? Parse(ReadOnlySpan<byte> utf8, int maxDepth)
    {
        // The reader's own limit is a backstop one level above ours, so that our message (and count) decides.
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = maxDepth + 1 });
        try
        {
            if (!reader.Read())
            {
                throw new JsonRpcFormatException("the document is empty");
            }

            var value = ReadValue(ref reader, 0, maxDepth);
            // Read() itself throws on anything but whitespace after the root value.
            return reader.Read()
                ? throw new JsonRpcFormatException($"content after the JSON value at byte {reader.TokenStartIndex}")
                : value;
        }
        catch (JsonException e)
        {
            throw new JsonRpcFormatException(
                utf8.Trim(" \t\r\n"u8).IsEmpty ? "the document is empty" : "malformed JSON: " + e.Message, e);
        }
        catch (InvalidOperationException e)
        {
            // GetString on text that is not valid UTF-8/UTF-16 (e.g. an escaped lone surrogate).
            throw new JsonRpcFormatException($"invalid text in a JSON string near byte {reader.TokenStartIndex}: {e.Message}", e);
        }
    }

    public static object? FromElement(JsonElement element, int depth, int maxDepth)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.String:
                return element.GetString();
            case JsonValueKind.Number:
                return Number(JsonMarshal.GetRawUtf8Value(element));
            case JsonValueKind.Array:
                var nested = Nested(depth, maxDepth);
                var list = new List<object?>(element.GetArrayLength());
                foreach (var item in element.EnumerateArray())
                {
                    list.Add(FromElement(item, nested, maxDepth));
                }

                return list;
            case JsonValueKind.Object:
                var inner = Nested(depth, maxDepth);
                var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    dict[property.Name] = FromElement(property.Value, inner, maxDepth);
                }

                return dict;
            default:
                throw new JsonRpcFormatException($"a JsonElement of kind {element.ValueKind} is not a value");
        }
    }

    private static object? ReadValue(ref Utf8JsonReader reader, int depth, int maxDepth)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False:
                return false;
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Number:
                return Number(reader.ValueSpan);
            case JsonTokenType.StartArray:
                var nested = Nested(depth, maxDepth);
                var list = new List<object?>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    list.Add(ReadValue(ref reader, nested, maxDepth));
                }

                return list;
            case JsonTokenType.StartObject:
                var inner = Nested(depth, maxDepth);
                var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString()!;
                    reader.Read();
                    // A repeated name keeps the last value, as Python's json does.
                    dict[name] = ReadValue(ref reader, inner, maxDepth);
                }

                return dict;
            default:
                // Comments are disallowed by the reader's options, so this is unreachable for valid JSON.
                throw new JsonRpcFormatException($"unexpected JSON token {reader.TokenType}");
        }
    }

    /// <summary>Numbers never carry escapes, so the raw token is the number's text.</summary>
    private static object Number(ReadOnlySpan<byte> raw)
    {
        if (raw.IndexOfAny(".eE"u8) < 0)
        {
            if (int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i))
            {
                return i;
            }

            if (long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            {
                return l;
            }
        }

        return double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
            ? d
            : throw new JsonRpcFormatException($"the number {WireText.Clip(System.Text.Encoding.UTF8.GetString(raw))} is out of range");
    }

    private static int Nested(int depth, int maxDepth) => depth < maxDepth
        ? depth + 1
        : throw new JsonRpcFormatException($"arrays and objects nest deeper than {maxDepth} levels");
}
