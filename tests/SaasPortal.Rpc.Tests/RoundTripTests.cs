using System.Buffers;
using System.Text.Json;
using SaasPortal.Rpc.JsonRpc;
using SaasPortal.Rpc.Tests.Support;
using SaasPortal.Rpc.XmlRpc;

namespace SaasPortal.Rpc.Tests;

/// <summary>Property tests over seeded random values: what the writers write, the readers read back unchanged.</summary>
public sealed class RoundTripTests
{
    private const int Cases = 1000;

    private static readonly XmlRpcCodec WithNone = new(new XmlRpcOptions { AllowNone = true });

    [Fact]
    public async Task Every_XmlRpc_value_survives_a_call_round_trip()
    {
        for (var seed = 0; seed < Cases; seed++)
        {
            var parameters = new WireValueGenerator(seed, GeneratorProfile.XmlRpc).Params(4);
            var bytes = WithNone.EncodeCall("execute_kw", parameters);

            var call = await WithNone.ReadCallAsync(new MemoryStream(bytes), TestContext.Current.CancellationToken);

            Assert.Equal("execute_kw", call.MethodName);
            var difference = WireAssert.Difference(parameters, call.Params.ToList(), "params");
            Assert.True(difference is null, $"seed {seed}: {difference}");
        }
    }

    [Fact]
    public async Task Every_XmlRpc_value_survives_a_response_round_trip()
    {
        for (var seed = 0; seed < Cases; seed++)
        {
            var value = new WireValueGenerator(seed, GeneratorProfile.XmlRpc).Next();
            using var buffer = new MemoryStream();
            await WithNone.WriteResponseAsync(buffer, value, TestContext.Current.CancellationToken);
            buffer.Position = 0;

            var response = await WithNone.ReadResponseAsync(buffer, TestContext.Current.CancellationToken);

            Assert.False(response.IsFault);
            var difference = WireAssert.Difference(value, response.Value, "value");
            Assert.True(difference is null, $"seed {seed}: {difference}");
        }
    }

    [Fact]
    public void Every_Json_value_survives_a_round_trip()
    {
        for (var seed = 0; seed < Cases; seed++)
        {
            var value = new WireValueGenerator(seed, GeneratorProfile.Json).Next();
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                JsonRpcCodec.Default.WriteValue(writer, value);
            }

            var difference = WireAssert.Difference(value, JsonRpcCodec.Default.ReadValue(buffer.WrittenSpan), "value");
            Assert.True(difference is null, $"seed {seed}: {difference}");
            using var document = JsonDocument.Parse(buffer.WrittenMemory);
            difference = WireAssert.Difference(value, JsonRpcCodec.Default.FromElement(document.RootElement), "element");
            Assert.True(difference is null, $"seed {seed} via JsonElement: {difference}");
        }
    }

    [Fact]
    public void Every_Json_value_survives_a_JsonRpc_request_and_response()
    {
        for (var seed = 0; seed < Cases; seed++)
        {
            var value = new WireValueGenerator(seed, GeneratorProfile.Json).Next();
            var parameters = new Dictionary<string, object?> { ["service"] = "object", ["args"] = new List<object?> { value } };
            var request = new ArrayBufferWriter<byte>();
            var response = new ArrayBufferWriter<byte>();
            JsonRpcCodec.Default.WriteRequest(request, seed, parameters);
            JsonRpcCodec.Default.WriteResult(response, seed, value);

            var readRequest = JsonRpcCodec.Default.ReadRequest(request.WrittenSpan);
            var readResponse = JsonRpcCodec.Default.ReadResponse(response.WrittenSpan);

            Assert.Equal("call", readRequest.Method);
            Assert.Equal(seed, readRequest.Id);
            Assert.Null(WireAssert.Difference(parameters, readRequest.Params, "params"));
            Assert.Equal(seed, readResponse.Id);
            Assert.Null(WireAssert.Difference(value, readResponse.Result, "result"));
        }
    }
}
