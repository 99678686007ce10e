using System.Collections;
using System.Globalization;
using SaasPortal.Orm.Domains;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Registry;
using SaasPortal.Orm.Schema;

namespace SaasPortal.Orm.Records;

/// <summary>
/// Conversions between wire values (what XML-RPC and JSON-RPC carry: bool, int, long, double, string, byte[],
/// DateTime, lists, dicts, null) and column values, field type by field type, with Odoo's rules: an empty char is
/// False, an empty number is 0, dates travel as "YYYY-MM-DD" and datetimes as "YYYY-MM-DD HH:MM:SS" UTC.
/// </summary>
public static class Values
{
    /// <summary>The wire form of dates.</summary>
    public const string DateFormat = "yyyy-MM-dd";

    /// <summary>The wire form of datetimes.</summary>
    public const string DateTimeFormat = "yyyy-MM-dd HH:mm:ss";

    private static readonly string[] DateTimeInputFormats =
    [
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFF",
        "yyyy-MM-dd HH:mm", "yyyy-MM-dd", "yyyyMMddTHH:mm:ss",
    ];

    /// <summary>Converts a wire value for <paramref name="field"/> into the value bound to its column.</summary>
    public static object? ToColumn(Field field, object? value)
    {
        if (value is null || (value is false && field.Type != FieldType.Boolean))
        {
            return field.Type switch
            {
                FieldType.Integer => 0,
                FieldType.Float or FieldType.Monetary => 0.0,
                _ => null,
            };
        }

        return field.Type switch
        {
            FieldType.Char or FieldType.Text or FieldType.Html => ToText(field, value),
            FieldType.Selection => ToSelection(field, value),
            FieldType.Integer => ToInteger(field, value),
            FieldType.Float or FieldType.Monetary => ToDouble(field, value),
            FieldType.Boolean => IsTruthy(value),
            FieldType.Date => ToDate(field, value),
            FieldType.Datetime => ToDateTime(field, value),
            FieldType.Many2one => ToId(field, value),
            FieldType.Binary => ToBinary(field, value),
            _ => throw Wrong(field, value),
        };
    }

    /// <summary>Converts a column value read from the database into its wire form (never null).</summary>
    public static object FromColumn(Field field, object? raw)
    {
        if (raw is null)
        {
            return field.Type switch
            {
                FieldType.Integer => 0,
                FieldType.Float or FieldType.Monetary => 0.0,
                _ => false,
            };
        }

        return field.Type switch
        {
            FieldType.Integer or FieldType.Many2one => raw switch
            {
                int i => i,
                long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
                _ => (object)Convert.ToInt64(raw, CultureInfo.InvariantCulture),
            },
            FieldType.Float or FieldType.Monetary => Convert.ToDouble(raw, CultureInfo.InvariantCulture),
            FieldType.Boolean => raw is bool b ? b : Convert.ToInt64(raw, CultureInfo.InvariantCulture) != 0,
            FieldType.Date => raw switch
            {
                DateTime t => (object)t.ToString(DateFormat, CultureInfo.InvariantCulture),
                DateOnly d => d.ToString(DateFormat, CultureInfo.InvariantCulture),
                string s => s.Length > 10 ? s[..10] : s,
                _ => (object?)raw.ToString() ?? false,
            },
            FieldType.Datetime => raw switch
            {
                DateTime t => (object)t.ToString(DateTimeFormat, CultureInfo.InvariantCulture),
                string s => s,
                _ => (object?)raw.ToString() ?? false,
            },
            FieldType.Binary => raw is byte[] bytes ? Convert.ToBase64String(bytes) : (object?)raw.ToString() ?? false,
            _ => raw is string text ? (text.Length == 0 ? false : text) : (object?)raw.ToString() ?? false,
        };
    }

    /// <summary>Python's truthiness of a wire value.</summary>
    public static bool IsTruthy(object? value) => value switch
    {
        null => false,
        bool b => b,
        int i => i != 0,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        ICollection c => c.Count > 0,
        _ => true,
    };

    /// <summary>Reads a record id from a wire value (an int, or the [id, name] pair read returns for many2ones).</summary>
    public static bool TryGetId(object? value, out int id)
    {
        switch (value)
        {
            case int i when i > 0:
                id = i;
                return true;
            case long l when l is > 0 and <= int.MaxValue:
                id = (int)l;
                return true;
            case double d when d > 0 && d <= int.MaxValue && Math.Floor(d) == d:
                id = (int)d;
                return true;
            case IList { Count: 2 } pair when pair[0] is int or long:
                return TryGetId(pair[0], out id);
            default:
                id = 0;
                return false;
        }
    }

    /// <summary>Reads a list of ids (a list, or a single id); a <see cref="ValueErrorException"/> otherwise.</summary>
    public static List<int> ToIds(object? value, string what = "ids")
    {
        switch (value)
        {
            case null or false:
                return [];
            case int or long:
                return TryGetId(value, out var single) ? [single] : throw new ValueErrorException($"Invalid {what}: {Domain.Describe(value)}");
            case string:
                throw new ValueErrorException($"Invalid {what}: {Domain.Describe(value)} (expected a list of record ids)");
            case IEnumerable list:
                var ids = new List<int>();
                foreach (var item in list)
                {
                    if (!TryGetId(item, out var id))
                    {
                        throw new ValueErrorException($"Invalid {what}: {Domain.Describe(item)} is not a record id");
                    }

                    ids.Add(id);
                }

                return ids;
            default:
                throw new ValueErrorException($"Invalid {what}: {Domain.Describe(value)} (expected a list of record ids)");
        }
    }

    /// <summary>Parses a date given as text or DateTime.</summary>
    public static DateOnly? ParseDate(object? value) => value switch
    {
        DateTime t => DateOnly.FromDateTime(t),
        DateOnly d => d,
        string s when s.Length >= 10 && DateOnly.TryParseExact(s[..10], DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) => d,
        _ => null,
    };

    /// <summary>Parses a datetime given as text (several ISO forms) or DateTime.</summary>
    public static DateTime? ParseDateTime(object? value) => value switch
    {
        DateTime t => new DateTime(t.Ticks - (t.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Unspecified),
        string s when DateTime.TryParseExact(s.Trim(), DateTimeInputFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) =>
            new DateTime(t.Ticks - (t.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Unspecified),
        _ => null,
    };

    /// <summary>The current UTC time to the second, as datetime columns hold it.</summary>
    public static DateTime Now() => ParseDateTime(DateTime.UtcNow)!.Value;

    private static string? ToText(Field field, object value)
    {
        var text = value switch
        {
            string s => s,
            int or long or double => Convert.ToString(value, CultureInfo.InvariantCulture)!,
            true => "True",
            _ => throw Wrong(field, value),
        };
        if (text.Length == 0)
        {
            return null;
        }

        if (field.Spec.Size is { } size && text.Length > size)
        {
            throw new ValidationErrorException($"The value of field '{field.Label}' ({field.Model}.{field.Name}) is longer than {size} characters.");
        }

        return text;
    }

    private static string? ToSelection(Field field, object value)
    {
        if (value is not string text)
        {
            throw Wrong(field, value);
        }

        if (text.Length == 0)
        {
            return null;
        }

        if (field.Spec.Selection is { } options && !options.Any(o => o.Value == text))
        {
            throw new ValidationErrorException($"Wrong value for {field.Model}.{field.Name}: '{text}' (allowed: {string.Join(", ", options.Select(o => o.Value))})");
        }

        return text;
    }

    private static int ToInteger(Field field, object value) => value switch
    {
        int i => i,
        long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
        bool b => b ? 1 : 0,
        double d when Math.Floor(d) == d && d is >= int.MinValue and <= int.MaxValue => (int)d,
        string s when int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => throw Wrong(field, value),
    };

    private static double ToDouble(Field field, object value) => value switch
    {
        double d when double.IsFinite(d) => d,
        int i => i,
        long l => l,
        bool b => b ? 1 : 0,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed) => parsed,
        _ => throw Wrong(field, value),
    };

    private static DateOnly ToDate(Field field, object value) => ParseDate(value) ?? throw Wrong(field, value, "expected YYYY-MM-DD");

    private static DateTime ToDateTime(Field field, object value) => ParseDateTime(value) ?? throw Wrong(field, value, "expected YYYY-MM-DD HH:MM:SS");

    private static int ToId(Field field, object value) =>
        TryGetId(value, out var id) ? id : throw Wrong(field, value, "expected a record id");

    private static byte[] ToBinary(Field field, object value)
    {
        switch (value)
        {
            case byte[] bytes:
                return bytes;
            case string s:
                try
                {
                    return Convert.FromBase64String(s);
                }
                catch (FormatException)
                {
                    throw Wrong(field, "<not base64>", "expected base64 data");
                }

            default:
                throw Wrong(field, value);
        }
    }

    private static ValueErrorException Wrong(Field field, object? value, string? hint = null) =>
        new($"Wrong value for {field.Model}.{field.Name}: {Domain.Describe(value)}" + (hint is null ? "" : $" ({hint})"));
}
