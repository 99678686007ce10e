using System.Text;
using FsCheck;
using FsCheck.Fluent;
using SaasPortal.Rpc;
using SaasPortal.Rpc.XmlRpc;

namespace SaasPortal.Security.Tests.Fuzzing;

/// <summary>
/// The XML-RPC reader under generated and mutated bodies: every input ends in a value or XmlRpcFormatException,
/// within the time box and a memory budget linear in the input.
/// </summary>
public sealed class XmlRpcFuzzTests
{
    private static readonly XmlRpcCodec Codec = XmlRpcCodec.Default;

    private static readonly Gen<string> MethodNames = Gen.OneOf(Gen.Elements("execute_kw", "authenticate", "version", "db_exist"), WireGen.Text);

    /// <summary>Calls the writer can produce (values XML 1.0 cannot carry are left out by the writer's own refusal).</summary>
    private static readonly Gen<byte[]> Calls = Gen.Zip(MethodNames, WireGen.Params)
        .Select(t => TryEncode(() => Codec.EncodeCall(t.Item1, t.Item2)))
        .Where(body => body is not null)
        .Select(body => body!);

    private static readonly Gen<byte[]> Responses = Gen.OneOf(
            WireGen.Value.Select(v => TryEncode(() => Codec.EncodeResponse(v))),
            Gen.Zip(Gen.Choose(-5, 5), WireGen.Text).Select(t => TryEncode(() => EncodeFault(t.Item1, t.Item2))))
        .Where(body => body is not null)
        .Select(body => body!);

    public static TheoryData<string> CorpusFiles => CorpusFolder.Files("xmlrpc");

    [Fact]
    public void Well_formed_calls_decode_to_their_method()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(FuzzSettings.Cases), Prop.ForAll(Calls.ToArbitrary(), body =>
        {
            var outcome = DecoderVerdict.Check(body, ReadCall, _ => false);
            Assert.IsType<XmlRpcCall>(outcome.Value);
        }));
    }

    [Fact]
    public void Mutated_calls_end_in_a_value_or_a_format_error()
    {
        var cases = Gen.Zip(Calls, Mutation.Of(Mutation.XmlTokens).ListOf())
            .Select(t => Mutation.ApplyAll(t.Item1, t.Item2));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(FuzzSettings.Cases), Prop.ForAll(cases.ToArbitrary(), body =>
        {
            DecoderVerdict.Check(body, ReadCall, e => e is XmlRpcFormatException);
        }));
    }

    [Fact]
    public void Mutated_responses_end_in_a_value_or_a_format_error()
    {
        var cases = Gen.Zip(Responses, Mutation.Of(Mutation.XmlTokens).ListOf())
            .Select(t => Mutation.ApplyAll(t.Item1, t.Item2));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(FuzzSettings.Cases), Prop.ForAll(cases.ToArbitrary(), body =>
        {
            DecoderVerdict.Check(body, ReadResponse, e => e is XmlRpcFormatException);
        }));
    }

    [Fact]
    public void Random_bytes_end_in_a_format_error()
    {
        var bytes = Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf();
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(FuzzSettings.Cases), Prop.ForAll(bytes.ToArbitrary(), body =>
        {
            DecoderVerdict.Check(body, ReadCall, e => e is XmlRpcFormatException);
        }));
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Corpus_input_ends_in_a_value_or_a_format_error(string file)
    {
        var body = CorpusFolder.Read("xmlrpc", file);
        DecoderVerdict.Check(body, ReadCall, e => e is XmlRpcFormatException);
        DecoderVerdict.Check(body, ReadResponse, e => e is XmlRpcFormatException);
    }

    public static TheoryData<string> Large => new(LargeInputs.Keys);

    [Theory]
    [MemberData(nameof(Large))]
    public void Large_hostile_input_is_decoded_or_refused_in_bounded_time_and_memory(string name)
    {
        DecoderVerdict.Check(LargeInputs[name](), ReadCall, e => e is XmlRpcFormatException);
    }

    private static readonly Dictionary<string, Func<byte[]>> LargeInputs = new(StringComparer.Ordinal)
    {
        ["100k ints"] = () => Call("<value><array><data>" + string.Concat(Enumerable.Repeat("<value><int>7</int></value>", 100_000)) + "</data></array></value>"),
        ["100k empty structs"] = () => Call("<value><array><data>" + string.Concat(Enumerable.Repeat("<value><struct></struct></value>", 100_000)) + "</data></array></value>"),
        ["one struct with 50k members"] = () => Call("<value><struct>" + string.Concat(Enumerable.Range(0, 50_000).Select(i => $"<member><name>m{i}</name><value>x</value></member>")) + "</struct></value>"),
        ["50k members of one name"] = () => Call("<value><struct>" + string.Concat(Enumerable.Repeat("<member><name>same</name><value>x</value></member>", 50_000)) + "</struct></value>"),
        ["8 MB string"] = () => Call("<value><string>" + new string('a', 8 * 1024 * 1024) + "</string></value>"),
        ["8 MB of character references"] = () => Call("<value>" + string.Concat(Enumerable.Repeat("&#x1F600;", 1024 * 1024)) + "</value>"),
        ["4 MB base64"] = () => Call("<value><base64>" + Convert.ToBase64String(new byte[3 * 1024 * 1024]) + "</base64></value>"),
        ["200k attributes"] = () => Encoding.UTF8.GetBytes("<?xml version='1.0'?><methodCall " + string.Concat(Enumerable.Range(0, 200_000).Select(i => $"a{i}='1' ")) + "><methodName>x</methodName></methodCall>"),
        // Found by this suite: the XML reader skipping comments itself recursed once per comment and overflowed the stack.
        ["100k comments"] = () => Call(string.Concat(Enumerable.Repeat("<!-- c -->", 100_000)) + "<value>x</value>"),
        ["100k processing instructions"] = () => Call(string.Concat(Enumerable.Repeat("<?pi x?>", 100_000)) + "<value>x</value>"),
        ["100k comments inside a string"] = () => Call("<value><string>" + string.Concat(Enumerable.Repeat("a<!-- c -->", 100_000)) + "</string></value>"),
        ["100k comments before the root"] = () => Encoding.UTF8.GetBytes("<?xml version='1.0'?>" + string.Concat(Enumerable.Repeat("<!-- c -->", 100_000)) + "<methodCall><methodName>x</methodName></methodCall>"),
        ["100k comments after the root"] = () => Encoding.UTF8.GetBytes("<?xml version='1.0'?><methodCall><methodName>x</methodName></methodCall>" + string.Concat(Enumerable.Repeat("<!-- c -->", 100_000))),
        ["nesting one past the limit"] = () => Call(string.Concat(Enumerable.Repeat("<value><array><data>", 129)) + string.Concat(Enumerable.Repeat("</data></array></value>", 129))),
        ["1M unclosed values"] = () => Call(string.Concat(Enumerable.Repeat("<value><array><data>", 1_000_000))),
        ["1M digits int"] = () => Call("<value><int>" + new string('9', 1_000_000) + "</int></value>"),
        ["1M digits double"] = () => Call("<value><double>0." + new string('1', 1_000_000) + "</double></value>"),
        ["10k params"] = () => Encoding.UTF8.GetBytes("<?xml version='1.0'?><methodCall><methodName>x</methodName><params>" + string.Concat(Enumerable.Repeat("<param><value><nil/></value></param>", 10_000)) + "</params></methodCall>"),
    };

    private static object? ReadCall(byte[] body) => Codec.ReadCallAsync(new MemoryStream(body), CancellationToken.None).GetAwaiter().GetResult();

    private static object? ReadResponse(byte[] body) => Codec.ReadResponseAsync(new MemoryStream(body), CancellationToken.None).GetAwaiter().GetResult();

    private static byte[] Call(string param) =>
        Encoding.UTF8.GetBytes("<?xml version='1.0'?><methodCall><methodName>execute_kw</methodName><params><param>" + param + "</param></params></methodCall>");

    private static byte[] EncodeFault(int code, string text)
    {
        using var buffer = new MemoryStream();
        Codec.WriteFaultAsync(buffer, code, text, CancellationToken.None).GetAwaiter().GetResult();
        return buffer.ToArray();
    }

    private static byte[]? TryEncode(Func<byte[]> encode)
    {
        try
        {
            return encode();
        }
        catch (RpcEncodingException)
        {
            return null;
        }
    }
}
