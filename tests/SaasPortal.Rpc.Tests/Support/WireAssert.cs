using System.Collections;

namespace SaasPortal.Rpc.Tests.Support;

/// <summary>
/// Structural equality over the wire value model that also checks types: an int is not a long, 1 is not 1.0,
/// a double is compared bit for bit (so -0.0 differs from 0.0) and struct members must come in the same order.
/// </summary>
internal static class WireAssert
{
    public static void Equal(object? expected, object? actual) => Assert.Null(Difference(expected, actual, "$"));

    public static string? Difference(object? expected, object? actual, string path)
    {
        switch (expected)
        {
            case null:
                return actual is null ? null : $"{path}: expected null, got {Show(actual)}";
            case double e when actual is double a:
                return BitConverter.DoubleToInt64Bits(e) == BitConverter.DoubleToInt64Bits(a) ? null : $"{path}: expected {e:R}, got {a:R}";
            case DateTime e when actual is DateTime a:
                return e.Ticks == a.Ticks && a.Kind == DateTimeKind.Unspecified ? null : $"{path}: expected {e:O}, got {a:O} ({a.Kind})";
            case byte[] e when actual is byte[] a:
                return e.AsSpan().SequenceEqual(a) ? null : $"{path}: expected bytes {Convert.ToHexString(e)}, got {Convert.ToHexString(a)}";
            case Dictionary<string, object?> e when actual is Dictionary<string, object?> a:
                if (!e.Keys.SequenceEqual(a.Keys, StringComparer.Ordinal))
                {
                    return $"{path}: expected members [{string.Join(", ", e.Keys)}], got [{string.Join(", ", a.Keys)}]";
                }

                return e.Select(m => Difference(m.Value, a[m.Key], $"{path}.{m.Key}")).FirstOrDefault(d => d is not null);
            case List<object?> e when actual is List<object?> a:
                if (e.Count != a.Count)
                {
                    return $"{path}: expected {e.Count} items, got {a.Count}";
                }

                return e.Select((item, i) => Difference(item, a[i], $"{path}[{i}]")).FirstOrDefault(d => d is not null);
            case bool or int or long or string when actual is not null && actual.GetType() == expected.GetType():
                return expected.Equals(actual) ? null : $"{path}: expected {Show(expected)}, got {Show(actual)}";
            default:
                return $"{path}: expected {Show(expected)}, got {Show(actual)}";
        }
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\" (string)",
        IEnumerable and not string => value.GetType().Name,
        _ => $"{value} ({value.GetType().Name})",
    };
}
