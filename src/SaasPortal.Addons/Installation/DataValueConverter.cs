using System.Globalization;
using SaasPortal.Addons.Format;
using SaasPortal.Orm.Schema;

namespace SaasPortal.Addons.Installation;

/// <summary>
/// Turns a value as written in a data file into the wire value the ORM's create/write takes for that field:
/// bool, int, double, string, a record id, x2many command lists, or false for "empty" (Odoo's convention).
/// </summary>
public static class DataValueConverter
{
    /// <summary>
    /// Converts <paramref name="value"/> for <paramref name="field"/>, resolving xml ids with
    /// <paramref name="resolve"/>. Throws <see cref="FormatException"/> naming the field when the value does not fit.
    /// </summary>
    public static object? Convert(DataValue value, FieldSpec field, Func<string, int> resolve) => value switch
    {
        TextValue text => FromText(text.Text, field),
        RefValue reference => FromRef(reference.XmlId, field, resolve),
        EvalValue eval => FromEval(eval.Value, field, resolve),
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };

    private static object? FromText(string text, FieldSpec field)
    {
        switch (field.Type)
        {
            case FieldType.Char or FieldType.Text or FieldType.Html or FieldType.Binary:
                return text;
            case FieldType.Selection:
                var key = text.Trim();
                return key.Length == 0 ? false : key;
            case FieldType.Boolean:
                return text.Trim() switch
                {
                    "1" or "True" or "true" => true,
                    "0" or "False" or "false" or "" => false,
                    _ => throw Fail(field, $"\"{text}\" is not a boolean (1/0, True/False)"),
                };
            case FieldType.Integer:
                return text.Trim().Length == 0
                    ? false
                    : int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)
                        ? whole
                        : throw Fail(field, $"\"{text}\" is not a whole number");
            case FieldType.Float or FieldType.Monetary:
                return text.Trim().Length == 0
                    ? false
                    : double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var real)
                        ? real
                        : throw Fail(field, $"\"{text}\" is not a number");
            case FieldType.Date:
                return text.Trim().Length == 0
                    ? false
                    : DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
                        ? text.Trim()
                        : throw Fail(field, $"\"{text}\" is not a date (YYYY-MM-DD)");
            case FieldType.Datetime:
                return text.Trim().Length == 0
                    ? false
                    : DateTime.TryParseExact(text.Trim(), "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
                        ? text.Trim()
                        : throw Fail(field, $"\"{text}\" is not a datetime (YYYY-MM-DD HH:MM:SS)");
            default:
                throw Fail(field, "a relational field takes ref=\"xmlid\" or eval=\"…\", not text");
        }
    }

    private static object? FromRef(string? xmlId, FieldSpec field, Func<string, int> resolve)
    {
        if (xmlId is null)
        {
            return field.Type is FieldType.Many2many or FieldType.One2many ? new List<object?> { Command(5) } : false;
        }

        var id = resolve(xmlId);
        return field.Type switch
        {
            FieldType.Many2one or FieldType.Integer => id,
            // Odoo stores a ref on a text field as the record id, e.g. auth_signup.template_user_id.
            FieldType.Char or FieldType.Text => id.ToString(CultureInfo.InvariantCulture),
            FieldType.Many2many or FieldType.One2many => new List<object?> { Command(6, 0, new List<object?> { id }) },
            _ => throw Fail(field, "ref is for relational, integer and char fields"),
        };
    }

    private static object? FromEval(PyValue value, FieldSpec field, Func<string, int> resolve)
    {
        var plain = Plain(value, resolve);
        switch (field.Type)
        {
            case FieldType.Boolean:
                return plain switch
                {
                    bool b => b,
                    int i => i != 0,
                    long l => l != 0,
                    null => false,
                    _ => throw Fail(field, "eval must give True/False"),
                };
            case FieldType.Integer:
                return plain switch
                {
                    int or false => plain,
                    long l => l is >= int.MinValue and <= int.MaxValue ? (int)l : throw Fail(field, "the number is too large"),
                    null => false,
                    _ => throw Fail(field, "eval must give a whole number"),
                };
            case FieldType.Float or FieldType.Monetary:
                return plain switch
                {
                    double d => d,
                    int i => (double)i,
                    long l => (double)l,
                    false or null => false,
                    _ => throw Fail(field, "eval must give a number"),
                };
            case FieldType.Many2one:
                return plain switch
                {
                    int or false => plain,
                    null => false,
                    _ => throw Fail(field, "eval must give a record id (ref('xmlid')) or False"),
                };
            case FieldType.One2many or FieldType.Many2many:
                return plain switch
                {
                    List<object?> commands => commands,
                    false or null => new List<object?> { Command(5) },
                    _ => throw Fail(field, "eval must give a list of x2many commands, e.g. [(4, ref('xmlid'))]"),
                };
            default:
                return plain switch
                {
                    null => false,
                    string or false => plain,
                    int i when field.Type is FieldType.Char or FieldType.Text => i.ToString(CultureInfo.InvariantCulture),
                    _ => throw Fail(field, $"eval gives a value a {field.Type.ToString().ToLowerInvariant()} field cannot hold"),
                };
        }
    }

    /// <summary>The literal as wire values: tuples and lists both become lists, ref() an id.</summary>
    private static object? Plain(PyValue value, Func<string, int> resolve) => value switch
    {
        PyNone => null,
        PyBool b => b.Value,
        PyInt i => i.Value is >= int.MinValue and <= int.MaxValue ? (object)(int)i.Value : i.Value,
        PyFloat f => f.Value,
        PyString s => s.Value,
        PyRef r => resolve(r.XmlId),
        PyList l => l.Items.Select(item => Plain(item, resolve)).ToList(),
        PyDict d => d.Entries.ToDictionary(e => e.Key, e => Plain(e.Value, resolve), StringComparer.Ordinal),
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };

    private static List<object?> Command(params object?[] parts) => [.. parts];

    private static FormatException Fail(FieldSpec field, string problem) => new($"field '{field.Name}': {problem}");
}
