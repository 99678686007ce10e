using System.Globalization;
using System.Reflection;
using System.Text;

namespace SaasPortal.Client;

/// <summary>The fields of <typeparamref name="T"/> and the conversions between its properties and wire values, built once per type.</summary>
internal static class RecordMap<T>
    where T : class, new()
{
    private const string DateFormat = "yyyy-MM-dd";
    private const string DateTimeFormat = "yyyy-MM-dd HH:mm:ss";

    // A property with a non-public setter is read but never written (create_date, computed fields, the id).
    private static readonly (PropertyInfo Property, string Field, bool Written)[] Properties =
    [
        .. typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is not null && p.GetIndexParameters().Length == 0)
            .Select(p => (p, p.GetCustomAttribute<OdooFieldAttribute>()?.Name ?? SnakeCase(p.Name), p.SetMethod!.IsPublic)),
    ];

    public static IReadOnlyList<string> Fields { get; } = [.. Properties.Select(p => p.Field)];

    public static T FromWire(IReadOnlyDictionary<string, object?> row)
    {
        var record = new T();
        foreach (var (property, field, _) in Properties)
        {
            if (row.TryGetValue(field, out var value))
            {
                property.SetValue(record, FromWire(value, property.PropertyType, field));
            }
        }

        return record;
    }

    public static Dictionary<string, object?> ToWire(T record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (property, field, written) in Properties)
        {
            if (written && field != "id")
            {
                values[field] = ToWire(property.GetValue(record));
            }
        }

        return values;
    }

    private static object? FromWire(object? value, Type type, string field)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (value is false && target != typeof(bool))
        {
            return type.IsValueType && Nullable.GetUnderlyingType(type) is null ? Activator.CreateInstance(type) : null;
        }

        return (target, value) switch
        {
            _ when target == typeof(string) && value is string s => s,
            _ when target == typeof(bool) && value is bool b => b,
            _ when target == typeof(int) && value is int or long => Convert.ToInt32(value, CultureInfo.InvariantCulture),
            _ when target == typeof(int) && value is List<object?> { Count: 2 } pair => Convert.ToInt32(pair[0], CultureInfo.InvariantCulture),
            _ when target == typeof(long) && value is int or long => Convert.ToInt64(value, CultureInfo.InvariantCulture),
            _ when target == typeof(double) && value is int or long or double => Convert.ToDouble(value, CultureInfo.InvariantCulture),
            _ when target == typeof(decimal) && value is int or long or double => Convert.ToDecimal(value, CultureInfo.InvariantCulture),
            _ when target == typeof(DateOnly) && value is string s => DateOnly.ParseExact(s, DateFormat, CultureInfo.InvariantCulture),
            _ when target == typeof(DateTime) && value is string s =>
                DateTime.SpecifyKind(DateTime.ParseExact(s, DateTimeFormat, CultureInfo.InvariantCulture), DateTimeKind.Utc),
            _ when target == typeof(DateTime) && value is DateTime d => d,
            _ when target == typeof(byte[]) && value is string s => Convert.FromBase64String(s),
            _ when target == typeof(byte[]) && value is byte[] bytes => bytes,
            _ when target == typeof(Many2One) && value is List<object?> { Count: 2 } pair =>
                new Many2One(Convert.ToInt32(pair[0], CultureInfo.InvariantCulture), pair[1] as string ?? ""),
            _ when target.IsAssignableFrom(typeof(int[])) && value is List<object?> ids =>
                ids.Select(id => Convert.ToInt32(id, CultureInfo.InvariantCulture)).ToArray(),
            _ => throw new FormatException($"Field '{field}' of {typeof(T).Name} is a {type.Name}, but the server sent {value?.GetType().Name ?? "nothing"}."),
        };
    }

    private static object? ToWire(object? value) => value switch
    {
        null => false,
        DateOnly date => date.ToString(DateFormat, CultureInfo.InvariantCulture),
        DateTime time => time.ToUniversalTime().ToString(DateTimeFormat, CultureInfo.InvariantCulture),
        Many2One reference => reference.Id,
        byte[] bytes => Convert.ToBase64String(bytes),
        decimal number => (double)number,
        IEnumerable<int> ids => new List<object?> { new List<object?> { 6, 0, ids.Cast<object?>().ToList() } },
        _ => value,
    };

    private static string SnakeCase(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }
}
