using System.Text;

namespace SaasPortal.Rpc.Tests.Support;

/// <summary>What a generated value may contain; each protocol and each direction of the Python check differs.</summary>
internal sealed record GeneratorProfile
{
    /// <summary>XML-RPC with nil allowed: everything the value model has.</summary>
    public static GeneratorProfile XmlRpc { get; } = new();

    /// <summary>What Python's xmlrpc.client.dumps can write: no i8 (it raises OverflowError), no raw "\r" (its parser turns it into "\n").</summary>
    public static GeneratorProfile PythonDumps { get; } = new() { Longs = false, CarriageReturn = false };

    /// <summary>JSON: dates and bytes have no JSON type of their own; control characters are fine (escaped).</summary>
    public static GeneratorProfile Json { get; } = new() { Dates = false, Bytes = false, ControlCharacters = true };

    public bool Longs { get; init; } = true;

    public bool Dates { get; init; } = true;

    public bool Bytes { get; init; } = true;

    public bool CarriageReturn { get; init; } = true;

    public bool ControlCharacters { get; init; }

    public int MaxDepth { get; init; } = 4;
}

/// <summary>
/// Seeded random values of the wire value model. A failure names its seed, so it replays exactly; the generator
/// leans towards the edges (empty containers and strings, int/long boundaries, -0.0, astral characters, XML specials).
/// </summary>
internal sealed class WireValueGenerator(int seed, GeneratorProfile profile)
{
    private static readonly string[] Fragments =
    [
        "", " ", "a", "Azure Interior", "<", ">", "&", "&amp;", "]]>", "'", "\"", "\t", "\n", "  lead", "trail  ",
        "é", "ß", "中文", "Ωμέγα", "עברית", "😀", "𝄞", "\U0001F468\u200D\U0001F469", "\uFFFD", "\u00A0", "\uE000",
        "<![CDATA[x]]>", "<value>", "\\", "%s", "{\"k\":1}",
    ];

    private static readonly double[] Doubles =
    [
        0.0, -0.0, 1.0, -1.0, 0.1, 1.5, 3.0, 1e20, 1e-7, 123456.789, double.MaxValue, double.MinValue, double.Epsilon,
        -double.Epsilon, 2.2250738585072014E-308, 9007199254740993.0, 1e300, -1e-300,
    ];

    private static readonly int[] Ints = [0, 1, -1, 42, int.MaxValue, int.MinValue, 100_000];

    private static readonly long[] Longs = [(long)int.MaxValue + 1, (long)int.MinValue - 1, long.MaxValue, long.MinValue, 9_999_999_999];

    private readonly Random _random = new(seed);

    public object? Next() => Value(0);

    public List<object?> Params(int max) => Enumerable.Range(0, _random.Next(max + 1)).Select(_ => Value(0)).ToList();

    private object? Value(int depth)
    {
        var containers = depth < profile.MaxDepth;
        return _random.Next(containers ? 13 : 10) switch
        {
            0 => null,
            1 => _random.Next(2) == 0,
            2 => _random.Next(3) == 0 ? Ints[_random.Next(Ints.Length)] : _random.Next(int.MinValue, int.MaxValue),
            3 when profile.Longs => _random.Next(2) == 0 ? Longs[_random.Next(Longs.Length)] : (long)int.MaxValue + 1 + _random.NextInt64(1L << 40),
            3 => _random.Next(-1000, 1000),
            4 => NextDouble(),
            5 or 6 => NextString(),
            7 when profile.Dates => new DateTime(_random.NextInt64(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks) / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond),
            8 when profile.Bytes => NextBytes(),
            7 or 8 => NextString(),
            9 => NextString(),
            10 => Enumerable.Range(0, _random.Next(5)).Select(_ => Value(depth + 1)).ToList(),
            _ => NextStruct(depth),
        };
    }

    private double NextDouble()
    {
        if (_random.Next(2) == 0)
        {
            return Doubles[_random.Next(Doubles.Length)];
        }

        double d;
        do
        {
            d = BitConverter.Int64BitsToDouble(_random.NextInt64());
        }
        while (!double.IsFinite(d));
        return d;
    }

    private string NextString()
    {
        var text = new StringBuilder();
        var parts = _random.Next(5);
        for (var i = 0; i < parts; i++)
        {
            switch (_random.Next(6))
            {
                case 0 when profile.CarriageReturn:
                    text.Append(_random.Next(2) == 0 ? "\r" : "\r\n");
                    break;
                case 1 when profile.ControlCharacters:
                    text.Append((char)_random.Next(0, 0x20));
                    break;
                case 2:
                    // Any valid BMP character outside the surrogates and the two non-characters XML refuses.
                    char c;
                    do
                    {
                        c = (char)_random.Next(0x20, 0xFFFE);
                    }
                    while (char.IsSurrogate(c));
                    text.Append(c);
                    break;
                case 3:
                    text.Append(char.ConvertFromUtf32(_random.Next(0x10000, 0x110000)));
                    break;
                default:
                    text.Append(Fragments[_random.Next(Fragments.Length)]);
                    break;
            }
        }

        return text.ToString();
    }

    private byte[] NextBytes()
    {
        var bytes = new byte[_random.Next(3) == 0 ? 0 : _random.Next(1, 200)];
        _random.NextBytes(bytes);
        return bytes;
    }

    private Dictionary<string, object?> NextStruct(int depth)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        var count = _random.Next(5);
        for (var i = 0; i < count; i++)
        {
            result[_random.Next(3) == 0 ? NextString() : "field_" + i] = Value(depth + 1);
        }

        return result;
    }
}
