using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using SaasPortal.Rpc.JsonRpc;
using SaasPortal.Rpc.XmlRpc;

namespace SaasPortal.Bench;

/// <summary>
/// Encoding and decoding a 1,000-record search_read response: our XML-RPC and JSON codecs against System.Text.Json
/// doing the same with the same data (the baseline of each category).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SearchReadCodecBenchmarks
{
    private readonly ArrayBufferWriter<byte> _jsonOutput = new(1 << 20);
    private readonly MemoryStream _xmlOutput = new(1 << 21);
    private List<object?> _records = [];
    private byte[] _xml = [];
    private byte[] _json = [];
    private byte[] _jsonRpc = [];

    [Params(1_000)]
    public int Records { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _records = SearchReadData.Records(Records);
        _xml = XmlRpcCodec.Default.EncodeResponse(_records);
        _json = JsonSerializer.SerializeToUtf8Bytes(_records);
        var buffer = new ArrayBufferWriter<byte>();
        JsonRpcCodec.Default.WriteResult(buffer, 1, _records);
        _jsonRpc = buffer.WrittenSpan.ToArray();
    }

    [Benchmark(Baseline = true, Description = "STJ serialize (object graph)")]
    [BenchmarkCategory("Encode")]
    public int SystemTextJsonSerialize()
    {
        _jsonOutput.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(_jsonOutput);
        JsonSerializer.Serialize(writer, _records);
        return _jsonOutput.WrittenCount;
    }

    [Benchmark(Description = "XML-RPC encode (methodResponse)")]
    [BenchmarkCategory("Encode")]
    public async Task<long> XmlRpcEncode()
    {
        _xmlOutput.SetLength(0);
        await XmlRpcCodec.Default.WriteResponseAsync(_xmlOutput, _records, CancellationToken.None);
        return _xmlOutput.Length;
    }

    [Benchmark(Description = "JSON-RPC encode (result)")]
    [BenchmarkCategory("Encode")]
    public int JsonRpcEncode()
    {
        _jsonOutput.ResetWrittenCount();
        JsonRpcCodec.Default.WriteResult(_jsonOutput, 1, _records);
        return _jsonOutput.WrittenCount;
    }

    [Benchmark(Baseline = true, Description = "STJ deserialize to JsonElement")]
    [BenchmarkCategory("Decode")]
    public JsonValueKind SystemTextJsonToElement() => JsonSerializer.Deserialize<JsonElement>(_json).ValueKind;

    [Benchmark(Description = "STJ deserialize to Dictionary list")]
    [BenchmarkCategory("Decode")]
    public int SystemTextJsonToDictionaries() => JsonSerializer.Deserialize<List<Dictionary<string, JsonElement>>>(_json)!.Count;

    [Benchmark(Description = "XML-RPC decode (methodResponse)")]
    [BenchmarkCategory("Decode")]
    public async Task<int> XmlRpcDecode()
    {
        var response = await XmlRpcCodec.Default.ReadResponseAsync(new MemoryStream(_xml, writable: false), CancellationToken.None);
        return ((List<object?>)response.Value!).Count;
    }

    [Benchmark(Description = "JSON-RPC decode (response)")]
    [BenchmarkCategory("Decode")]
    public int JsonRpcDecode() => ((List<object?>)JsonRpcCodec.Default.ReadResponse(_jsonRpc).Result!).Count;
}
