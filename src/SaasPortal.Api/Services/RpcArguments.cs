using System.Globalization;

namespace SaasPortal.Api.Services;

/// <summary>
/// Positional arguments of one call, read with Python's leniency (missing optional arguments take their default)
/// and with a TypeError naming the method and parameter when a required one is missing or has the wrong type.
/// </summary>
public sealed class RpcArguments(string method, IReadOnlyList<object?> values)
{
    /// <summary>The raw values.</summary>
    public IReadOnlyList<object?> Values => values;

    /// <summary>Number of arguments given.</summary>
    public int Count => values.Count;

    /// <summary>The argument at <paramref name="index"/>, or null when absent.</summary>
    public object? this[int index] => index < values.Count ? values[index] : null;

    /// <summary>A required string.</summary>
    public string String(int index, string name) => index < values.Count
        ? values[index] as string ?? throw WrongType(name, "a string")
        : throw Missing(name);

    /// <summary>An optional string; null and False count as absent.</summary>
    public string? OptionalString(int index, string name, string? fallback = null) =>
        index >= values.Count || values[index] is null or false
            ? fallback
            : values[index] as string ?? throw WrongType(name, "a string");

    /// <summary>An optional boolean, with Python truthiness for ints and strings.</summary>
    public bool OptionalBool(int index, bool fallback = false) => index >= values.Count
        ? fallback
        : values[index] switch
        {
            null => false,
            bool b => b,
            int i => i != 0,
            long l => l != 0,
            string s => s.Length > 0,
            _ => true,
        };

    /// <summary>Fails with a TypeError when more than <paramref name="max"/> arguments are given, as Python would.</summary>
    public void AtMost(int max)
    {
        if (values.Count > max)
        {
            throw ServiceException.TypeError(string.Create(CultureInfo.InvariantCulture,
                $"{method}() takes at most {max} arguments ({values.Count} given)"));
        }
    }

    private ServiceException Missing(string name) =>
        ServiceException.TypeError($"{method}() missing required argument: '{name}'");

    private ServiceException WrongType(string name, string expected) =>
        ServiceException.TypeError($"{method}() argument '{name}' must be {expected}");
}
