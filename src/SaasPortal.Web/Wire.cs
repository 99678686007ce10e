namespace SaasPortal.Web;

/// <summary>Reads and builds ORM wire values (domains, many2one pairs, False for empty) without ceremony.</summary>
internal static class Wire
{
    public static List<object?> Domain(params (string Field, string Operator, object? Value)[] terms) =>
        [.. terms.Select(t => (object?)new List<object?> { t.Field, t.Operator, t.Value })];

    public static Dictionary<string, object?> Values(params (string Field, object? Value)[] values)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (field, value) in values)
        {
            result[field] = value;
        }

        return result;
    }

    public static string? Text(object? value) => value as string;

    public static int Integer(object? value) => value switch { int i => i, long l => (int)l, _ => 0 };

    public static bool Bool(object? value) => value is true;

    public static int? Many2oneId(object? value) => value is IList<object?> { Count: > 0 } pair && pair[0] is int id ? id : null;

    public static string? Many2oneName(object? value) => value is IList<object?> { Count: > 1 } pair ? pair[1] as string : null;
}
