using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace SaasPortal.Security.Tests.Fuzzing;

/// <summary>One edit of a well-formed body, as a fuzzer makes them: byte flips, cuts, splices of tokens the parsers care about.</summary>
internal abstract record Mutation
{
    /// <summary>Largest body a chain of mutations may grow to; larger inputs are the large-input tests' job.</summary>
    public const int MaxBytes = 256 * 1024;

    public abstract byte[] Apply(byte[] body);

    /// <summary>Applies <paramref name="mutations"/> in turn, skipping any that would grow the body past <see cref="MaxBytes"/>.</summary>
    public static byte[] ApplyAll(byte[] body, IEnumerable<Mutation> mutations)
    {
        foreach (var mutation in mutations)
        {
            if (mutation.Growth(body.Length) + body.Length <= MaxBytes)
            {
                body = mutation.Apply(body);
            }
        }

        return body;
    }

    /// <summary>How many bytes the mutation may add to a body of <paramref name="length"/> bytes (an upper bound).</summary>
    protected virtual long Growth(int length) => 0;

    /// <summary>Keeps only the first part of the body.</summary>
    public sealed record Truncate(int Permille) : Mutation
    {
        public override byte[] Apply(byte[] body) => body[..(int)(body.Length * (long)Permille / 1000)];
    }

    /// <summary>Overwrites one byte.</summary>
    public sealed record Flip(int Permille, byte Value) : Mutation
    {
        protected override long Growth(int length) => 1;

        public override byte[] Apply(byte[] body)
        {
            if (body.Length == 0)
            {
                return [Value];
            }

            var copy = (byte[])body.Clone();
            copy[Math.Min(body.Length - 1, (int)(body.Length * (long)Permille / 1000))] = Value;
            return copy;
        }
    }

    /// <summary>Inserts a token, possibly many times over.</summary>
    public sealed record Insert(int Permille, string Token, int Times) : Mutation
    {
        protected override long Growth(int length) => 4L * Token.Length * Times;

        public override byte[] Apply(byte[] body)
        {
            var at = (int)(body.Length * (long)Permille / 1000);
            var token = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(Token, Times)));
            return [.. body.AsSpan(0, at), .. token, .. body.AsSpan(at)];
        }
    }

    /// <summary>Removes a range.</summary>
    public sealed record Delete(int FromPermille, int LengthPermille) : Mutation
    {
        public override byte[] Apply(byte[] body)
        {
            var from = (int)(body.Length * (long)FromPermille / 1000);
            var length = Math.Min(body.Length - from, (int)(body.Length * (long)LengthPermille / 1000));
            return [.. body.AsSpan(0, from), .. body.AsSpan(from + length)];
        }
    }

    /// <summary>Repeats a range in place.</summary>
    public sealed record Duplicate(int FromPermille, int LengthPermille, int Times) : Mutation
    {
        protected override long Growth(int length) => (long)length * Times;

        public override byte[] Apply(byte[] body)
        {
            var from = (int)(body.Length * (long)FromPermille / 1000);
            var length = Math.Min(body.Length - from, (int)(body.Length * (long)LengthPermille / 1000));
            var result = new List<byte>(body.Length + (length * Times));
            result.AddRange(body.AsSpan(0, from + length));
            for (var i = 0; i < Times; i++)
            {
                result.AddRange(body.AsSpan(from, length));
            }

            result.AddRange(body.AsSpan(from + length));
            return [.. result];
        }
    }

    /// <summary>Tokens that matter to the XML-RPC reader.</summary>
    public static readonly string[] XmlTokens =
    [
        "<value>", "</value>", "<array><data>", "</data></array>", "<struct>", "<member><name>x</name>", "</member>", "<int>", "</int>",
        "<i8>99999999999999999999</i8>", "<double>1e999</double>", "<double>NaN</double>", "<boolean>2</boolean>", "<nil/>",
        "<dateTime.iso8601>20241301T99:99:99</dateTime.iso8601>", "<base64>!!!</base64>", "<!DOCTYPE x [<!ENTITY a 'b'>]>", "&a;",
        "&#0;", "&#xFFFF;", "&#x110000;", "&lt;", "<![CDATA[", "]]>", "<?pi?>", "<!--", "-->", "\0", "\uFFFE", "\uD800", "\u00e9", "<",
        ">", "&", "'", "\"", "<methodCall>", "</methodCall>", "<params>", "<param>", "xmlns:x='y'", "<x:value>",
    ];

    /// <summary>Tokens that matter to the JSON reader.</summary>
    public static readonly string[] JsonTokens =
    [
        "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u0000", "\\uD800", "\\uDFFF\\uD800", "null", "true", "false", "1e999", "-0", "1.5e-400",
        "123456789012345678901234567890", "\"params\":", "\"id\":", "\"method\":", "\"args\":[", "NaN", "Infinity", "\0", "\uFEFF",
        "/*", "//", "\"\":", "\"a\":1,\"a\":2", " ", "\t", "\r\n",
    ];

    /// <summary>A mutation over <paramref name="tokens"/>.</summary>
    public static Gen<Mutation> Of(string[] tokens)
    {
        var permille = Gen.Choose(0, 1000);
        return Gen.OneOf(
            permille.Select(p => (Mutation)new Truncate(p)),
            Gen.Zip(permille, Gen.Choose(0, 255)).Select(t => (Mutation)new Flip(t.Item1, (byte)t.Item2)),
            WireGen.Zip3(permille, Gen.Elements(tokens), Gen.Frequency((9, Gen.Choose(1, 3)), (1, Gen.Choose(100, 3000))))
                .Select(t => (Mutation)new Insert(t.Item1, t.Item2, t.Item3)),
            Gen.Zip(permille, Gen.Choose(1, 200)).Select(t => (Mutation)new Delete(t.Item1, t.Item2)),
            WireGen.Zip3(permille, Gen.Choose(1, 300), Gen.Choose(1, 50)).Select(t => (Mutation)new Duplicate(t.Item1, t.Item2, t.Item3)));
    }
}
