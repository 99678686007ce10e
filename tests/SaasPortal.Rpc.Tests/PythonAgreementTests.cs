using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SaasPortal.Rpc.Tests.Support;
using SaasPortal.Rpc.XmlRpc;

namespace SaasPortal.Rpc.Tests;

/// <summary>
/// Our codec against Python's xmlrpc.client, the reference client of the Odoo world, in both directions:
/// the committed corpus (Corpus/values.json) plus seeded random values.
/// </summary>
public sealed class PythonAgreementTests
{
    private const int GeneratedCases = 300;

    private static readonly XmlRpcCodec WithNone = new(new XmlRpcOptions { AllowNone = true });

    [Fact]
    public async Task Python_reads_every_corpus_call_we_write_as_the_same_values()
    {
        var cases = Corpus();
        await AssertPythonReadsOurCallsAsync(cases.Select(c => (c.Name, c.Method, c.Params)).ToList());
    }

    [Fact]
    public async Task We_read_every_corpus_call_Python_writes_as_the_same_values()
    {
        // Python's marshaller raises OverflowError for ints outside 32 bits, so those cases go one way only.
        var cases = Corpus().Where(c => !ContainsLong(c.Params)).ToList();
        Assert.True(cases.Count >= 10, "the corpus lost its Python-writable cases");
        await AssertWeReadPythonCallsAsync(cases.Select(c => (c.Name, c.Method, c.Params)).ToList());
    }

    [Fact]
    public async Task Python_reads_random_calls_we_write_as_the_same_values()
    {
        var cases = Enumerable.Range(0, GeneratedCases)
            .Select(seed => ($"seed {seed}", "m", new WireValueGenerator(seed, GeneratorProfile.XmlRpc).Params(4)))
            .ToList();
        await AssertPythonReadsOurCallsAsync(cases);
    }

    [Fact]
    public async Task We_read_random_calls_Python_writes_as_the_same_values()
    {
        var cases = Enumerable.Range(0, GeneratedCases)
            .Select(seed => ($"seed {seed}", "m", new WireValueGenerator(seed, GeneratorProfile.PythonDumps).Params(4)))
            .ToList();
        await AssertWeReadPythonCallsAsync(cases);
    }

    [Fact]
    public async Task Python_reads_our_responses_and_faults()
    {
        var record = Corpus().Single(c => c.Name == "search_read record").Params[0];
        var documents = new List<string>
        {
            Encoding.UTF8.GetString(XmlRpcCodec.Default.EncodeResponse(record)),
            await RenderAsync((s, ct) => XmlRpcCodec.Default.WriteFaultAsync(s, 3, "Access Denied", ct)),
            await RenderAsync((s, ct) => XmlRpcCodec.Default.WriteFaultAsync(s, "warning -- UserError\n\n<b>é</b>", "", ct)),
            // Odoo never answers nil: by default null goes out as False, which Python reads without allow_none.
            Encoding.UTF8.GetString(XmlRpcCodec.Default.EncodeResponse(new List<object?> { null, 1 })),
        };

        var results = await PythonXmlRpc.LoadsAsync(documents, TestContext.Current.CancellationToken);

        WireAssert.Equal(new List<object?> { record }, Params(results[0]));
        Assert.Equal(3, results[1].GetProperty("fault")[0].GetInt32());
        Assert.Equal("Access Denied", results[1].GetProperty("fault")[1].GetString());
        Assert.Equal("warning -- UserError\n\n<b>é</b>", results[2].GetProperty("fault")[0].GetString());
        WireAssert.Equal(new List<object?> { new List<object?> { false, 1 } }, Params(results[3]));
    }

    [Fact]
    public async Task We_read_Python_responses_and_faults()
    {
        var record = Corpus().Single(c => c.Name == "search_read record").Params[0];
        var items = new JsonArray(
            new JsonObject { ["kind"] = "response", ["value"] = TaggedJson.ToTagged(record) },
            new JsonObject { ["kind"] = "response", ["value"] = TaggedJson.ToTagged(null) },
            new JsonObject { ["kind"] = "fault", ["code"] = 2, ["string"] = "Object x.y doesn't exist" },
            new JsonObject { ["kind"] = "fault", ["code"] = "AccessDenied", ["string"] = "Access Denied" });

        var documents = await PythonXmlRpc.DumpsAsync(items, TestContext.Current.CancellationToken);
        var responses = new List<XmlRpcResponse>();
        foreach (var document in documents)
        {
            responses.Add(await XmlRpcCodec.Default.ReadResponseAsync(Utf8(document), TestContext.Current.CancellationToken));
        }

        WireAssert.Equal(record, responses[0].Value);
        Assert.False(responses[1].IsFault);
        Assert.Null(responses[1].Value);
        Assert.Equal(new XmlRpcFault(2, "Object x.y doesn't exist"), responses[2].Fault);
        Assert.Equal(new XmlRpcFault("AccessDenied", "Access Denied"), responses[3].Fault);
    }

    [Fact]
    public async Task Python_json_and_our_Json_codec_read_each_other_with_the_same_types()
    {
        // Python's json keeps ints and floats apart (1 vs 1.0), as our codec does; dates and bytes have no JSON type.
        var values = Enumerable.Range(0, GeneratedCases)
            .Select(seed => new WireValueGenerator(seed, GeneratorProfile.Json).Next())
            .Concat(Corpus().Where(c => !ContainsDateOrBytes(c.Params)).Select(c => (object?)c.Params))
            .ToList();
        var ours = values.Select(value =>
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                JsonRpc.JsonRpcCodec.Default.WriteValue(writer, value);
            }

            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }).ToList();

        var pythonRead = await PythonXmlRpc.JsonLoadsAsync(ours, TestContext.Current.CancellationToken);
        var pythonWrote = await PythonXmlRpc.JsonDumpsAsync(new JsonArray(values.Select(TaggedJson.ToTagged).ToArray()), TestContext.Current.CancellationToken);

        for (var i = 0; i < values.Count; i++)
        {
            Assert.False(pythonRead[i].ValueKind == JsonValueKind.Object, $"case {i}: Python refused {ours[i]}: {pythonRead[i]}");
            var difference = WireAssert.Difference(values[i], TaggedJson.FromTagged(pythonRead[i]), "python");
            Assert.True(difference is null, $"case {i}, Python reading ours: {difference}\n{ours[i]}");
            difference = WireAssert.Difference(values[i], JsonRpc.JsonRpcCodec.Default.ReadValue(Encoding.UTF8.GetBytes(pythonWrote[i])), "ours");
            Assert.True(difference is null, $"case {i}, us reading Python's: {difference}\n{pythonWrote[i]}");
        }
    }

    private static bool ContainsDateOrBytes(object? value) => value switch
    {
        DateTime or byte[] => true,
        List<object?> list => list.Any(ContainsDateOrBytes),
        Dictionary<string, object?> dict => dict.Values.Any(ContainsDateOrBytes),
        _ => false,
    };

    private static async Task AssertPythonReadsOurCallsAsync(List<(string Name, string Method, List<object?> Params)> cases)
    {
        var documents = cases.Select(c => Encoding.UTF8.GetString(WithNone.EncodeCall(c.Method, c.Params))).ToList();

        var results = await PythonXmlRpc.LoadsAsync(documents, TestContext.Current.CancellationToken);

        Assert.Equal(cases.Count, results.Count);
        for (var i = 0; i < cases.Count; i++)
        {
            Assert.False(results[i].TryGetProperty("error", out var error), $"{cases[i].Name}: Python refused our document: {error}\n{documents[i]}");
            Assert.Equal(cases[i].Method, results[i].GetProperty("method").GetString());
            var difference = WireAssert.Difference(cases[i].Params, Params(results[i]), "params");
            Assert.True(difference is null, $"{cases[i].Name}: {difference}\n{documents[i]}");
        }
    }

    private static async Task AssertWeReadPythonCallsAsync(List<(string Name, string Method, List<object?> Params)> cases)
    {
        var items = new JsonArray(cases.Select(c => (JsonNode)new JsonObject
        {
            ["kind"] = "call",
            ["method"] = c.Method,
            ["params"] = new JsonArray(c.Params.Select(TaggedJson.ToTagged).ToArray()),
        }).ToArray());

        var documents = await PythonXmlRpc.DumpsAsync(items, TestContext.Current.CancellationToken);

        Assert.Equal(cases.Count, documents.Count);
        for (var i = 0; i < cases.Count; i++)
        {
            var call = await XmlRpcCodec.Default.ReadCallAsync(Utf8(documents[i]), TestContext.Current.CancellationToken);
            Assert.Equal(cases[i].Method, call.MethodName);
            var difference = WireAssert.Difference(cases[i].Params, call.Params.ToList(), "params");
            Assert.True(difference is null, $"{cases[i].Name}: {difference}\n{documents[i]}");
        }
    }

    private static List<object?> Params(JsonElement result) =>
        result.GetProperty("params").EnumerateArray().Select(TaggedJson.FromTagged).ToList();

    private static List<(string Name, string Method, List<object?> Params)> Corpus()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Corpus", "values.json")));
        return document.RootElement.EnumerateArray()
            .Select(c => (
                c.GetProperty("name").GetString()!,
                c.GetProperty("method").GetString()!,
                c.GetProperty("params").EnumerateArray().Select(TaggedJson.FromTagged).ToList()))
            .ToList();
    }

    private static bool ContainsLong(object? value) => value switch
    {
        long => true,
        List<object?> list => list.Any(ContainsLong),
        Dictionary<string, object?> dict => dict.Values.Any(ContainsLong),
        _ => false,
    };

    private static MemoryStream Utf8(string document) => new(Encoding.UTF8.GetBytes(document));

    private static async Task<string> RenderAsync(Func<Stream, CancellationToken, Task> write)
    {
        using var buffer = new MemoryStream();
        await write(buffer, TestContext.Current.CancellationToken);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
