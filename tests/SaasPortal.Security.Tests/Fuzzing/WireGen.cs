using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace SaasPortal.Security.Tests.Fuzzing;

/// <summary>
/// FsCheck generators of the wire value model (what XML-RPC and JSON-RPC carry) and of Odoo domains, leaning
/// towards edges: empty containers, int/long bounds, XML and JSON specials, astral characters, hostile text.
/// </summary>
internal static class WireGen
{
    private static readonly string[] Fragments =
    [
        "", " ", "a", "name", "<", ">", "&", "&amp;", "]]>", "'", "\"", "\\", "\t", "\n", "\r", "é", "中文", "😀", "\uFFFD",
        "<![CDATA[x]]>", "<value>", "%s", "{\"k\":1}", "'; DROP TABLE res_users; --", "../../etc/passwd", "\u202E", "\u00A0",
    ];

    private static readonly string[] Fields = ["name", "id", "partner_id.name", "login", "active", "", "1", "a.b.c", "name'--", "\"x\""];

    private static readonly string[] Operators =
    [
        "=", "!=", "<>", "<", ">", "<=", ">=", "like", "ilike", "not like", "=like", "=ilike", "in", "not in", "child_of", "parent_of",
        "any", "not any", "LIKE", "; DROP", "", "==", "=?",
    ];

    private static readonly string[] Prefix = ["&", "|", "!"];

    /// <summary>A string of fragments, valid characters and now and then a control character.</summary>
    public static Gen<string> Text { get; } = Gen.Frequency(
            (6, Gen.Elements(Fragments)),
            (2, Gen.Choose(0x20, 0xD7FF).Select(c => ((char)c).ToString())),
            (1, Gen.Choose(0, 0x1F).Select(c => ((char)c).ToString())),
            (1, Gen.Choose(0x10000, 0x10FFFF).Select(char.ConvertFromUtf32)))
        .ListOf().Select(parts => string.Concat(parts));

    /// <summary>Scalars of the value model.</summary>
    public static Gen<object?> Scalar { get; } = Gen.OneOf(
        Gen.Constant<object?>(null),
        Gen.Elements<object?>(true, false),
        Gen.Elements(0, 1, -1, int.MaxValue, int.MinValue).Select(i => (object?)i),
        Gen.Choose(int.MinValue, int.MaxValue).Select(i => (object?)i),
        Gen.Elements(long.MaxValue, long.MinValue, (long)int.MaxValue + 1).Select(l => (object?)l),
        Gen.Elements(0.0, -0.0, 1.5, 1e300, double.Epsilon, -1e-300).Select(d => (object?)d),
        Text.Select(s => (object?)s),
        Gen.Choose(0, 64).Select(n => (object?)Enumerable.Range(0, n).Select(i => (byte)(i * 37)).ToArray()),
        Gen.Choose(1, 9999).Select(y => (object?)new DateTime(y, 1 + (y % 12), 1 + (y % 28), y % 24, y % 60, y % 60)));

    /// <summary>Values up to a depth that grows with FsCheck's size.</summary>
    public static Gen<object?> Value { get; } = Gen.Sized(size => ValueOfDepth(Math.Min(6, 1 + (size / 15))));

    /// <summary>A parameter list of a call.</summary>
    public static Gen<List<object?>> Params { get; } = Value.ListOf().Select(values => values.ToList());

    /// <summary>A domain as clients send it: terms and prefix operators, well-formed or not.</summary>
    public static Gen<object?> Domain { get; } = Gen.Sized(size =>
    {
        var term = Gen.Frequency(
            (8, Zip3(Gen.Elements(Fields), Gen.Elements(Operators), Gen.OneOf(Scalar, Scalar.ListOf().Select(l => (object?)l.ToList())))
                .Select(t => (object?)new List<object?> { t.Item1, t.Item2, t.Item3 })),
            (1, Gen.Elements<object?>(new List<object?> { 1, "=", 1 }, new List<object?> { 0, "=", 1 }, new List<object?>(), new List<object?> { "x" })),
            (1, Scalar),
            (2, Gen.Elements<object?>(Prefix)));
        return term.ListOf().Select(items => (object?)items.ToList()).Resize(Math.Max(1, size));
    });

    /// <summary>A well-formed prefix domain of exactly <paramref name="terms"/> ORed leaves.</summary>
    public static List<object?> OrChain(int terms)
    {
        var domain = new List<object?>(terms * 2);
        domain.AddRange(Enumerable.Repeat<object?>("|", terms - 1));
        domain.AddRange(Enumerable.Range(0, terms).Select(i => (object?)new List<object?> { "id", "=", i }));
        return domain;
    }

    /// <summary>Three generators side by side.</summary>
    public static Gen<(T1, T2, T3)> Zip3<T1, T2, T3>(Gen<T1> first, Gen<T2> second, Gen<T3> third) =>
        Gen.Zip(first, Gen.Zip(second, third)).Select(t => (t.Item1, t.Item2.Item1, t.Item2.Item2));

    /// <summary>Printable description of a generated value for failure messages.</summary>
    public static string Describe(object? value)
    {
        var text = new StringBuilder();
        Append(text, value, 0);
        return text.Length > 2000 ? text.ToString(0, 2000) + "…" : text.ToString();
    }

    private static Gen<object?> ValueOfDepth(int depth) => depth <= 0
        ? Scalar
        : Gen.Frequency(
            (6, Scalar),
            (2, ValueOfDepth(depth - 1).ListOf().Select(l => (object?)l.ToList())),
            (2, Gen.Zip(Text, ValueOfDepth(depth - 1)).ListOf()
                .Select(pairs =>
                {
                    var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (var (key, v) in pairs)
                    {
                        dict[key] = v;
                    }

                    return (object?)dict;
                })));

    private static void Append(StringBuilder text, object? value, int depth)
    {
        if (depth > 20 || text.Length > 2000)
        {
            text.Append('…');
            return;
        }

        switch (value)
        {
            case null:
                text.Append("None");
                break;
            case string s:
                text.Append('\'').Append(s).Append('\'');
                break;
            case byte[] b:
                text.Append("b[").Append(b.Length).Append(']');
                break;
            case IDictionary<string, object?> d:
                text.Append('{');
                foreach (var (k, v) in d)
                {
                    text.Append('\'').Append(k).Append("': ");
                    Append(text, v, depth + 1);
                    text.Append(", ");
                }

                text.Append('}');
                break;
            case System.Collections.IEnumerable e:
                text.Append('[');
                foreach (var item in e)
                {
                    Append(text, item, depth + 1);
                    text.Append(", ");
                }

                text.Append(']');
                break;
            default:
                text.Append(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
        }
    }
}
