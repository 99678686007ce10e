using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SaasPortal.Server.Commands;

/// <summary>
/// A command's result on standard output: aligned text for people, or with <c>--json</c> one JSON document for
/// scripts. Values are the ORM's wire values (Odoo's <c>False</c> for empty, <c>[id, name]</c> for many2one).
/// </summary>
internal sealed class CommandOutput(bool json, TextWriter writer)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public bool Json { get; } = json;

    /// <summary>Progress of long work on standard error: never with <c>--json</c>, see <see cref="CommandProgress"/>.</summary>
    public CommandProgress Progress => field ??= CommandProgress.ForConsole(Json);

    /// <summary>Rows as a table of <paramref name="columns"/>; as JSON, the rows with every field they hold.</summary>
    public Task TableAsync(IReadOnlyList<IReadOnlyDictionary<string, object?>> rows, params string[] columns)
    {
        if (Json)
        {
            return WriteJsonAsync(rows);
        }

        var cells = rows.Select(row => columns.Select(c => Text(row.GetValueOrDefault(c))).ToArray()).ToList();
        var widths = columns.Select((c, i) => cells.Select(r => r[i].Length).Append(c.Length).Max()).ToArray();
        var lines = new List<string> { Line(columns, widths) };
        lines.AddRange(cells.Select(r => Line(r, widths)));
        return writer.WriteAsync(string.Join(Environment.NewLine, lines) + Environment.NewLine);
    }

    /// <summary>One record as "field: value" lines in <paramref name="fields"/> order; as JSON, the object.</summary>
    public Task RecordAsync(IReadOnlyDictionary<string, object?> record, IReadOnlyList<string> fields)
    {
        if (Json)
        {
            return WriteJsonAsync(record);
        }

        var width = fields.Max(f => f.Length);
        return writer.WriteAsync(string.Concat(fields.Select(f => f.PadRight(width) + "  " + Text(record.GetValueOrDefault(f)) + Environment.NewLine)));
    }

    /// <summary>A confirmation: <paramref name="message"/> for people, <paramref name="result"/> as JSON.</summary>
    public Task DoneAsync(string message, object? result) =>
        Json ? WriteJsonAsync(result) : writer.WriteLineAsync(message);

    private Task WriteJsonAsync(object? value) =>
        writer.WriteLineAsync((ToNode(value)?.ToJsonString(Indented)) ?? "null");

    /// <summary>A wire value as JSON; built by hand so that no reflection-based serialisation is needed.</summary>
    public static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        decimal m => JsonValue.Create(m),
        DateTime t => JsonValue.Create(t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)),
        JsonNode node => node,
        IEnumerable<KeyValuePair<string, object?>> dict => new JsonObject(dict.Select(p => KeyValuePair.Create(p.Key, ToNode(p.Value)))),
        IDictionary dict => new JsonObject(dict.Keys.Cast<object>().Select(k => KeyValuePair.Create(Convert.ToString(k, CultureInfo.InvariantCulture) ?? "", ToNode(dict[k])))),
        IEnumerable items and not string => new JsonArray([.. items.Cast<object?>().Select(ToNode)]),
        IFormattable f => JsonValue.Create(f.ToString(null, CultureInfo.InvariantCulture)),
        _ => JsonValue.Create(value.ToString()),
    };

    /// <summary>A wire value as people read it: False is empty, a many2one is its name, a list is comma-separated.</summary>
    public static string Text(object? value) => value switch
    {
        null or false => "",
        true => "yes",
        string s => s,
        IList { Count: 2 } pair when pair[0] is int && pair[1] is string name => name,
        IEnumerable items and not string => string.Join(", ", items.Cast<object?>().Select(Text)),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Line(IReadOnlyList<string> cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i == cells.Count - 1 ? c : c.PadRight(widths[i]))).TrimEnd();
}
