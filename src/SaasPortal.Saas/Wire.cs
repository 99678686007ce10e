namespace SaasPortal.Saas;

/// <summary>
/// Builds and reads ORM wire values (domains, value dictionaries, many2one pairs, False for empty) without
/// ceremony; shared by the portal code and the web pages that call the same ORM methods.
/// </summary>
public static class Wire
{
    /// <summary>A domain of ANDed terms.</summary>
    public static List<object?> Domain(params (string Field, string Operator, object? Value)[] terms) =>
        [.. terms.Select(t => (object?)new List<object?> { t.Field, t.Operator, t.Value })];

    /// <summary>A values dictionary.</summary>
    public static Dictionary<string, object?> Values(params (string Field, object? Value)[] values)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (field, value) in values)
        {
            result[field] = value;
        }

        return result;
    }

    /// <summary>The id of a many2one wire value ([id, name] or False), or null.</summary>
    public static int? Many2oneId(object? value) => value is IList<object?> { Count: > 0 } pair && pair[0] is int id ? id : null;

    /// <summary>The display name of a many2one wire value ([id, name] or False), or null.</summary>
    public static string? Many2oneName(object? value) => value is IList<object?> { Count: > 1 } pair ? pair[1] as string : null;

    /// <summary>The ids of an x2many wire value (a list of ints).</summary>
    public static List<int> Ids(object? value) => value is IEnumerable<object?> items ? [.. items.OfType<int>()] : [];

    /// <summary>A wire string (False means none).</summary>
    public static string? Text(object? value) => value as string;

    /// <summary>A wire integer (False means 0).</summary>
    public static int Integer(object? value) => value is int i ? i : value is long l ? (int)l : 0;

    /// <summary>A wire boolean.</summary>
    public static bool Bool(object? value) => value is true;
}
