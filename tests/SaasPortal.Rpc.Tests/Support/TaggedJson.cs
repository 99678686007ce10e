using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SaasPortal.Rpc.Tests.Support;

/// <summary>
/// The tagged JSON form shared with Corpus/xmlrpc_agree.py: every value is an array whose first item names its
/// type, so ints, doubles, dates and bytes cross the language boundary without guessing.
/// </summary>
internal static class TaggedJson
{
    private const string DateFormat = "yyyyMMdd'T'HH:mm:ss";

    public static JsonNode ToTagged(object? value) => value switch
    {
        null => new JsonArray("nil"),
        bool b => new JsonArray("bool", b),
        int i => new JsonArray("int", i),
        long l => new JsonArray("int", l),
        double d => new JsonArray("double", d.ToString("R", CultureInfo.InvariantCulture)),
        string s => new JsonArray("str", s),
        DateTime dt => new JsonArray("datetime", dt.ToString(DateFormat, CultureInfo.InvariantCulture)),
        byte[] bytes => new JsonArray("bytes", Convert.ToBase64String(bytes)),
        List<object?> list => new JsonArray("array", new JsonArray(list.Select(ToTagged).ToArray())),
        Dictionary<string, object?> dict => new JsonArray("struct", new JsonArray(
            dict.Select(m => (JsonNode)new JsonArray(m.Key, ToTagged(m.Value))).ToArray())),
        _ => throw new ArgumentException($"not a wire value: {value.GetType()}", nameof(value)),
    };

    public static object? FromTagged(JsonElement tagged)
    {
        var tag = tagged[0].GetString();
        return tag switch
        {
            "nil" => null,
            "bool" => tagged[1].GetBoolean(),
            // The same rule as the decoder: <int> when it fits, <i8> (long) when it does not.
            "int" => tagged[1].TryGetInt32(out var i) ? i : (object)tagged[1].GetInt64(),
            "double" => double.Parse(tagged[1].GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture),
            "str" => tagged[1].GetString(),
            "datetime" => DateTime.ParseExact(tagged[1].GetString()!, DateFormat, CultureInfo.InvariantCulture),
            "bytes" => Convert.FromBase64String(tagged[1].GetString()!),
            "array" => tagged[1].EnumerateArray().Select(FromTagged).ToList(),
            "struct" => tagged[1].EnumerateArray().Aggregate(
                new Dictionary<string, object?>(StringComparer.Ordinal),
                (dict, member) =>
                {
                    dict[member[0].GetString()!] = FromTagged(member[1]);
                    return dict;
                }),
            _ => throw new ArgumentException($"unknown tag {tag}", nameof(tagged)),
        };
    }
}
