namespace SaasPortal.Orm;

/// <summary>
/// The context of a call, as clients send it in <c>kwargs["context"]</c>: language, time zone, whether archived
/// records are hidden (<c>active_test</c>), and anything else methods may look at.
/// </summary>
public sealed record OrmContext
{
    /// <summary>The empty context.</summary>
    public static OrmContext Empty { get; } = new(new Dictionary<string, object?>(StringComparer.Ordinal));

    /// <summary>Creates a context over the given values.</summary>
    public OrmContext(IReadOnlyDictionary<string, object?> values) => Values = values;

    /// <summary>Every value, as sent.</summary>
    public IReadOnlyDictionary<string, object?> Values { get; }

    /// <summary>The language code (e.g. en_US), or null.</summary>
    public string? Lang => Values.GetValueOrDefault("lang") as string;

    /// <summary>The time zone name (e.g. Europe/Brussels), or null.</summary>
    public string? Tz => Values.GetValueOrDefault("tz") as string;

    /// <summary>Whether searches hide archived records (default true).</summary>
    public bool ActiveTest => !Values.TryGetValue("active_test", out var value) || Records.Values.IsTruthy(value);

    /// <summary>A context with <paramref name="key"/> set to <paramref name="value"/>.</summary>
    public OrmContext With(string key, object? value)
    {
        var copy = new Dictionary<string, object?>(Values, StringComparer.Ordinal) { [key] = value };
        return new OrmContext(copy);
    }
}
