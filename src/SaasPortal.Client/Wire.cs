using System.Globalization;

namespace SaasPortal.Client;

/// <summary>Reads results of known shapes, failing with a message that names the call when the server sent something else.</summary>
internal static class Wire
{
    public static Dictionary<string, object?> Struct(object? value, string call) =>
        value as Dictionary<string, object?> ?? throw Unexpected(value, call, "a struct");

    public static List<object?> List(object? value, string call) =>
        value as List<object?> ?? throw Unexpected(value, call, "a list");

    public static bool Bool(object? value, string call) => value as bool? ?? throw Unexpected(value, call, "a boolean");

    public static int Int(object? value, string call) => value switch
    {
        int i => i,
        long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
        _ => throw Unexpected(value, call, "an integer"),
    };

    /// <summary>An id, or null for Odoo's False (bad credentials, an empty many2one).</summary>
    public static int? OptionalId(object? value) => value switch
    {
        int i => i,
        long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
        _ => null,
    };

    public static IReadOnlyList<int> Ids(object? value, string call) => [.. List(value, call).Select(v => Int(v, call))];

    public static IReadOnlyList<string> Strings(object? value, string call) =>
        [.. List(value, call).Select(v => v as string ?? throw Unexpected(v, call, "a string"))];

    public static IReadOnlyList<IReadOnlyDictionary<string, object?>> Rows(object? value, string call) =>
        [.. List(value, call).Select(row => (IReadOnlyDictionary<string, object?>)Struct(row, call))];

    private static FormatException Unexpected(object? value, string call, string expected) =>
        new(string.Create(CultureInfo.InvariantCulture,
            $"{call} answered {(value is null ? "nothing" : value.GetType().Name)} where {expected} was expected."));
}
