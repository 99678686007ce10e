using System.Buffers;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using SaasPortal.Rpc;
using SaasPortal.Rpc.JsonRpc;

namespace SaasPortal.Security.Tests.Fuzzing;

/// <summary>
/// The JSON-RPC reader under generated and mutated bodies: every input ends in a request or JsonRpcFormatException,
/// within the time box and a memory budget linear in the input.
/// </summary>
public sealed class JsonRpcFuzzTests
{
    private static readonly JsonRpcCodec Codec = JsonRpcCodec.Default;

    private static readonly Gen<byte[]> Requests = WireGen.Zip3(Gen.OneOf(Gen.Constant<object?>(null), Gen.Choose(0, 100).Select(i => (object?)i), WireGen.Text.Select(s => (object?)s)),
            Gen.Elements("common", "object", "db", ""), WireGen.Params)
        .Select(t => TryEncode(t.Item1, new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["service"] = t.Item2,
            ["method"] = "execute_kw",
            ["args"] = t.Item3,
        }))
        .Where(body => body is not null)
        .Select(body => body!);

    public static TheoryData<string> CorpusFiles => CorpusFolder.Files("jsonrpc");

    public static TheoryData<string> Large => new(LargeInputs.Keys);

    private static readonly Dictionary<string, Func<byte[]>> LargeInputs = new(StringComparer.Ordinal)
    {
        ["1M open brackets"] = () => Request(new string('[', 1_000_000)),
        ["nesting one past the limit"] = () => Request(new string('[', 129) + new string(']', 129)),
        ["200k small objects"] = () => Request("[" + string.Join(',', Enumerable.Repeat("{\"a\":1}", 200_000)) + "]"),
        ["one object with 100k keys"] = () => Request("{" + string.Join(',', Enumerable.Range(0, 100_000).Select(i => $"\"k{i}\":null")) + "}"),
        ["100k duplicate keys"] = () => Request("{" + string.Join(',', Enumerable.Repeat("\"k\":[1,2,3]", 100_000)) + "}"),
        ["8 MB string"] = () => Request("\"" + new string('x', 8 * 1024 * 1024) + "\""),
        ["1M unicode escapes"] = () => Request("\"" + string.Concat(Enumerable.Repeat("\\u00e9", 1_000_000)) + "\""),
        ["1M digit number"] = () => Request(new string('9', 1_000_000)),
        ["1M digit fraction"] = () => Request("0." + new string('1', 1_000_000)),
    };

    [Fact]
    public void Well_formed_requests_decode_with_their_params()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(FuzzSettings.Cases), Prop.ForAll(Requests.ToArbitrary(), body =>
        {
            var outcome = DecoderVerdict.Check(body, ReadRequest, _ => false);
            var request = Assert.IsType<JsonRpcRequest>(outcome.Value);
            Assert.Equal("execute_kw", request.Params["method"]);
            Assert.IsType<List<object?>>(request.Params["args"]);
        }));
    }

    [Fact]
    public void Mutated_requests_end_in_a_request_or_a_format_error()
    {
        var cases = Gen.Zip(Requests, Mutation.Of(Mutation.JsonTokens).ListOf())
            .Select(t => Mutation.ApplyAll(t.Item1, t.Item2));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(FuzzSettings.Cases), Prop.ForAll(cases.ToArbitrary(), body =>
        {
            DecoderVerdict.Check(body, ReadRequest, e => e is JsonRpcFormatException);
            DecoderVerdict.Check(body, ReadResponse, e => e is JsonRpcFormatException);
        }));
    }

    [Fact]
    public void Random_bytes_end_in_a_format_error()
    {
        var bytes = Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf();
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(FuzzSettings.Cases), Prop.ForAll(bytes.ToArbitrary(), body =>
        {
            DecoderVerdict.Check(body, ReadRequest, e => e is JsonRpcFormatException);
        }));
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Corpus_input_ends_in_a_request_or_a_format_error(string file)
    {
        DecoderVerdict.Check(CorpusFolder.Read("jsonrpc", file), ReadRequest, e => e is JsonRpcFormatException);
    }

    [Theory]
    [MemberData(nameof(Large))]
    public void Large_hostile_input_is_decoded_or_refused_in_bounded_time_and_memory(string name)
    {
        DecoderVerdict.Check(LargeInputs[name](), ReadRequest, e => e is JsonRpcFormatException);
    }

    private static object? ReadRequest(byte[] body) => Codec.ReadRequest(body);

    private static object? ReadResponse(byte[] body) => Codec.ReadResponse(body);

    private static byte[] Request(string args) =>
        Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"method\":\"call\",\"id\":1,\"params\":{\"service\":\"object\",\"method\":\"execute_kw\",\"args\":[" + args + "]}}");

    private static byte[]? TryEncode(object? id, Dictionary<string, object?> parameters)
    {
        try
        {
            var buffer = new ArrayBufferWriter<byte>();
            Codec.WriteRequest(buffer, id, parameters);
            return buffer.WrittenSpan.ToArray();
        }
        catch (RpcEncodingException)
        {
            return null;
        }
    }
}
