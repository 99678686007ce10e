using System.Collections;
using System.Globalization;
using System.Text.Json;

namespace SaasPortal.Api.JsonRpc;

/// <summary>A request the JSON-RPC reader refuses.</summary>
internal sealed class JsonWireException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A JSON-RPC 2.0 request as Odoo receives it: <c>{"jsonrpc":"2.0","method":"call","params":{…},"id":…}</c>.</summary>
internal sealed record JsonRpcRequest(object? Id, IReadOnlyDictionary<string, object?> Params);

/// <summary>
/// INTERIM JSON reader and writer of the edge over the wire value model of docs/rpc-codec.md (JSON null/bool/
/// int/long/double/string/array/object), to be replaced by SaasPortal.Rpc's JSON codec. Depth bounded.
/// </summary>
internal static class JsonWire
{
    private const int MaxDepth = 128;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    public static async Task<JsonRpcRequest> ReadRequestAsync(Stream body, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(body, DocumentOptions, cancellationToken);
        }
        catch (JsonException e)
        {
            throw new JsonWireException("malformed JSON: " + e.Message, e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new JsonWireException("a JSON-RPC request is an object");
            }

            object? id = root.TryGetProperty("id", out var idElement) ? ToValue(idElement) : null;
            var parameters = root.TryGetProperty("params", out var p) ? ToValue(p) : new Dictionary<string, object?>();
            return parameters switch
            {
                Dictionary<string, object?> dict => new JsonRpcRequest(id, dict),
                null => new JsonRpcRequest(id, new Dictionary<string, object?>()),
                _ => throw new JsonWireException("params must be an object"),
            };
        }
    }

    public static object? ToValue(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number when element.TryGetInt32(out var i) => i,
        JsonValueKind.Number when element.TryGetInt64(out var l) => l,
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.Array => element.EnumerateArray().Select(ToValue).ToList(),
        JsonValueKind.Object => ToDictionary(element),
        _ => throw new JsonWireException("unsupported JSON value"),
    };

    public static void WriteValue(Utf8JsonWriter writer, object? value)
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
                writer.WriteStringValue(s);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case short or byte or sbyte or ushort or uint:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case double or float or decimal:
                var d = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (!double.IsFinite(d))
                {
                    throw new InvalidOperationException("JSON cannot carry NaN or infinity");
                }

                writer.WriteNumberValue(d);
                break;
            case DateTime dt:
                writer.WriteStringValue(dt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
                break;
            case DateTimeOffset dto:
                writer.WriteStringValue(dto.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
                break;
            case byte[] bytes:
                writer.WriteBase64StringValue(bytes);
                break;
            case IDictionary<string, object?> dict:
                WriteObject(writer, dict);
                break;
            case IReadOnlyDictionary<string, object?> dict:
                WriteObject(writer, dict);
                break;
            case IEnumerable sequence:
                writer.WriteStartArray();
                foreach (var item in sequence)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(value.ToString());
                break;
        }
    }

    private static Dictionary<string, object?> ToDictionary(JsonElement element)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            result[property.Name] = ToValue(property.Value);
        }

        return result;
    }

    private static void WriteObject(Utf8JsonWriter writer, IEnumerable<KeyValuePair<string, object?>> members)
    {
        writer.WriteStartObject();
        foreach (var (name, item) in members)
        {
            writer.WritePropertyName(name);
            WriteValue(writer, item);
        }

        writer.WriteEndObject();
    }
}
