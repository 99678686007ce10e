using System.Buffers;
using System.Text;
using System.Text.Json;
using SaasPortal.Rpc.JsonRpc;
using SaasPortal.Rpc.Tests.Support;

namespace SaasPortal.Rpc.Tests;

/// <summary>JSON values and Odoo's JSON-RPC message shapes: what is read, what is written, what is refused.</summary>
public sealed class JsonRpcTests
{
    [Fact]
    public void Json_numbers_become_int_long_or_double_by_their_text()
    {
        var value = JsonRpcCodec.Default.ReadValue("""[0, -1, 2147483647, 2147483648, -2147483649, 9223372036854775807, 9223372036854775808, 1.0, 1e2, -0.0, 0.1, 1E-7]"""u8);

        WireAssert.Equal(new List<object?> { 0, -1, int.MaxValue, 2147483648L, -2147483649L, long.MaxValue, 9223372036854775808.0, 1.0, 100.0, -0.0, 0.1, 1e-7 }, value);
    }

    [Fact]
    public void Json_literals_strings_and_containers_map_onto_the_value_model()
    {
        var value = JsonRpcCodec.Default.ReadValue("""{"n": null, "t": true, "f": false, "s": "a\u00e9\ud83d\ude00\n", "a": [], "o": {}, "dup": 1, "dup": 2}"""u8);

        WireAssert.Equal(new Dictionary<string, object?>
        {
            ["n"] = null, ["t"] = true, ["f"] = false, ["s"] = "aé😀\n", ["a"] = new List<object?>(), ["o"] = new Dictionary<string, object?>(), ["dup"] = 2,
        }, value);
    }

    [Fact]
    public void Dates_bytes_and_integral_doubles_are_written_as_Odoo_does()
    {
        var json = Write(new List<object?> { new DateTime(2024, 1, 31, 12, 0, 5), new byte[] { 1, 2, 3 }, 3.0, -0.0, 1e20, 0.1, 5L, (short)2, 1.5m });

        Assert.Equal("""["2024-01-31 12:00:05","AQID",3.0,-0.0,1E+20,0.1,5,2,1.5]""", json);
    }

    [Fact]
    public void Request_is_read_with_its_id_method_and_params()
    {
        var request = JsonRpcCodec.Default.ReadRequest("""{"jsonrpc":"2.0","method":"call","params":{"service":"common","method":"version","args":[]},"id":7}"""u8);

        Assert.Equal("call", request.Method);
        Assert.Equal(7, request.Id);
        WireAssert.Equal(new Dictionary<string, object?> { ["service"] = "common", ["method"] = "version", ["args"] = new List<object?>() }, request.Params);
    }

    [Theory]
    [InlineData("""{"id":"abc","params":{}}""", "abc")]
    [InlineData("""{"id":null,"params":null}""", null)]
    [InlineData("""{"params":{}}""", null)]
    [InlineData("""{"id":1.5}""", 1.5)]
    public void Request_id_may_be_a_number_a_string_or_null_and_params_may_be_absent(string json, object? id)
    {
        var request = JsonRpcCodec.Default.ReadRequest(Encoding.UTF8.GetBytes(json));

        Assert.Equal(id, request.Id);
        Assert.Equal("call", request.Method);
        Assert.NotNull(request.Params);
    }

    [Fact]
    public void Result_response_has_Odoo_shape()
    {
        var buffer = new ArrayBufferWriter<byte>();

        JsonRpcCodec.Default.WriteResult(buffer, 7, new Dictionary<string, object?> { ["uid"] = 2, ["name"] = false });

        Assert.Equal("""{"jsonrpc":"2.0","id":7,"result":{"uid":2,"name":false}}""", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public async Task Server_error_has_Odoo_shape_and_reads_back()
    {
        using var output = new MemoryStream();

        await JsonRpcCodec.Default.WriteErrorAsync(output, "x1", JsonRpcError.ServerError("odoo.exceptions.AccessDenied", "Access Denied"), TestContext.Current.CancellationToken);

        Assert.Equal(
            """{"jsonrpc":"2.0","id":"x1","error":{"code":200,"message":"Odoo Server Error","data":{"name":"odoo.exceptions.AccessDenied",""" +
            """ "debug":"odoo.exceptions.AccessDenied: Access Denied","message":"Access Denied","arguments":["Access Denied"],"context":{}}}}""".TrimStart(),
            Encoding.UTF8.GetString(output.ToArray()));
        output.Position = 0;
        var response = await JsonRpcCodec.Default.ReadResponseAsync(output, TestContext.Current.CancellationToken);
        Assert.True(response.IsError);
        Assert.Equal("x1", response.Id);
        Assert.Equal(200, response.Error!.Code);
        Assert.Equal("odoo.exceptions.AccessDenied", response.Error.Data.Name);
        Assert.Equal("Access Denied", response.Error.Data.Message);
        Assert.Equal(["Access Denied"], response.Error.Data.Arguments);
    }

    [Fact]
    public async Task A_result_larger_than_the_first_render_buffer_is_written_whole()
    {
        var records = Enumerable.Range(0, 20_000)
            .Select(i => (object?)new Dictionary<string, object?> { ["id"] = i, ["name"] = "Partner " + i, ["ratio"] = i / 3.0 })
            .ToList();
        using var output = new MemoryStream();

        await JsonRpcCodec.Default.WriteResultAsync(output, 1, records, TestContext.Current.CancellationToken);
        output.Position = 0;
        var response = await JsonRpcCodec.Default.ReadResponseAsync(output, TestContext.Current.CancellationToken);

        Assert.True(output.Length > 1_000_000);
        WireAssert.Equal(records, response.Result);
    }

    [Fact]
    public void Error_text_with_an_unpaired_surrogate_is_repaired_so_the_error_still_goes_out()
    {
        var buffer = new ArrayBufferWriter<byte>();

        JsonRpcCodec.Default.WriteError(buffer, 1, JsonRpcError.ServerError("odoo.exceptions.UserError", "bad \uD800 name 😀"));

        var error = JsonRpcCodec.Default.ReadResponse(buffer.WrittenSpan).Error!;
        Assert.Equal("bad \uFFFD name 😀", error.Data.Message);
        Assert.Equal(["bad \uFFFD name 😀"], error.Data.Arguments);
        Assert.Equal("odoo.exceptions.UserError: bad \uFFFD name 😀", error.Data.Debug);
    }

    [Fact]
    public void Session_expired_error_has_code_100()
    {
        var buffer = new ArrayBufferWriter<byte>();

        JsonRpcCodec.Default.WriteError(buffer, null, JsonRpcError.SessionExpired());

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        var error = document.RootElement.GetProperty("error");
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("id").ValueKind);
        Assert.Equal(100, error.GetProperty("code").GetInt32());
        Assert.Equal("Odoo Session Expired", error.GetProperty("message").GetString());
        Assert.Equal("odoo.http.SessionExpiredException", error.GetProperty("data").GetProperty("name").GetString());
    }

    public static TheoryData<string, string, string> Refused => new()
    {
        { "empty", "", "empty" },
        { "whitespace", " \r\n ", "empty" },
        { "truncated", """{"params":{"a":[1,2""", "malformed JSON" },
        { "trailing garbage", """{"params":{}} x""", "malformed JSON" },
        { "two documents", """{}{}""", "malformed JSON" },
        { "comment", """{"params":{} /* c */}""", "malformed JSON" },
        { "trailing comma", """{"params":{},}""", "malformed JSON" },
        { "single quotes", """{'params':{}}""", "malformed JSON" },
        { "NaN literal", """{"params":{"x":NaN}}""", "malformed JSON" },
        { "number overflow", """{"params":{"x":1e400}}""", "out of range" },
        { "escaped lone surrogate", """{"params":{"x":"\ud800"}}""", "invalid text" },
        { "array root", """[1,2]""", "is a JSON object" },
        { "string root", "\"call\"", "is a JSON object" },
        { "params array", """{"params":[1,2]}""", "params is an object" },
        { "params string", """{"params":"x"}""", "params is an object" },
        { "method number", """{"method":1,"params":{}}""", "method is a string" },
        { "id object", """{"id":{"a":1},"params":{}}""", "id is a number, a string or null" },
        { "id array", """{"id":[1],"params":{}}""", "id is a number, a string or null" },
        { "id bool", """{"id":true,"params":{}}""", "id is a number, a string or null" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Malformed_request_is_refused_with_a_format_exception_that_says_why(string name, string json, string reason)
    {
        var error = await Assert.ThrowsAsync<JsonRpcFormatException>(() =>
            JsonRpcCodec.Default.ReadRequestAsync(new MemoryStream(Encoding.UTF8.GetBytes(json)), TestContext.Current.CancellationToken));

        Assert.True(error.Message.Contains(reason, StringComparison.Ordinal), $"{name}: '{error.Message}' does not say '{reason}'");
    }

    [Fact]
    public void Invalid_utf8_is_refused()
    {
        byte[] json = [.. """{"params":{"x":" """u8, 0xC3, 0x28, .. "\"}}"u8];

        Assert.Throws<JsonRpcFormatException>(() => JsonRpcCodec.Default.ReadRequest(json));
    }

    [Theory]
    [InlineData("[", "]")]
    [InlineData("{\"a\":", "}")]
    public void Ten_thousand_nested_containers_are_refused_at_the_depth_limit(string open, string close)
    {
        var json = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(open, 10_000)) + "1" + string.Concat(Enumerable.Repeat(close, 10_000)));

        var error = Assert.Throws<JsonRpcFormatException>(() => JsonRpcCodec.Default.ReadValue(json));

        Assert.Contains("deeper than 128 levels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_exactly_at_the_limit_is_read_both_from_bytes_and_from_elements()
    {
        var codec = new JsonRpcCodec(new JsonRpcOptions { MaxDepth = 5 });
        static byte[] Nested(int levels) => Encoding.UTF8.GetBytes(new string('[', levels) + "1" + new string(']', levels));

        Assert.NotNull(codec.ReadValue(Nested(5)));
        Assert.Throws<JsonRpcFormatException>(() => codec.ReadValue(Nested(6)));
        using var deep = JsonDocument.Parse(Nested(6));
        Assert.Throws<JsonRpcFormatException>(() => codec.FromElement(deep.RootElement));
    }

    [Fact]
    public async Task Body_over_the_byte_limit_is_refused()
    {
        var codec = new JsonRpcCodec(new JsonRpcOptions { MaxBytes = 1_000 });
        var json = Encoding.UTF8.GetBytes("{\"params\":{\"x\":\"" + new string('x', 5_000) + "\"}}");

        var error = await Assert.ThrowsAsync<JsonRpcFormatException>(() => codec.ReadRequestAsync(new MemoryStream(json), TestContext.Current.CancellationToken));

        Assert.Contains("larger than 1000 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Body_of_exactly_the_byte_limit_is_read()
    {
        var json = Encoding.UTF8.GetBytes("{\"params\":{\"x\":\"" + new string('x', 100_000) + "\"}}");
        var codec = new JsonRpcCodec(new JsonRpcOptions { MaxBytes = json.Length });

        var request = await codec.ReadRequestAsync(new MemoryStream(json), TestContext.Current.CancellationToken);

        Assert.Equal(100_000, ((string)request.Params["x"]!).Length);
    }

    public static TheoryData<string, object?> Unwritable => new()
    {
        { "NaN", double.NaN },
        { "infinity", double.NegativeInfinity },
        { "lone surrogate", "a\uD800b" },
        { "lone surrogate in a name", new Dictionary<string, object?> { ["\uDC00"] = 1 } },
        { "unsupported type", TimeSpan.Zero },
    };

    [Theory]
    [MemberData(nameof(Unwritable))]
    public async Task Value_without_a_Json_form_is_refused_before_any_byte_is_written(string name, object? value)
    {
        using var output = new MemoryStream();

        await Assert.ThrowsAsync<RpcEncodingException>(() => JsonRpcCodec.Default.WriteResultAsync(output, 1, value, TestContext.Current.CancellationToken));

        Assert.True(output.Length == 0, $"{name}: bytes were written before the refusal");
    }

    [Fact]
    public void Control_characters_and_astral_characters_are_escaped_and_read_back()
    {
        const string text = "\u0000\u0001\u001f<>&'\"😀";

        var json = Write(text);

        Assert.DoesNotContain('\u0001', json);
        Assert.Equal(text, JsonRpcCodec.Default.ReadValue(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void An_id_that_is_not_a_number_string_or_null_is_refused_when_writing()
    {
        Assert.Throws<RpcEncodingException>(() => JsonRpcCodec.Default.WriteResult(new ArrayBufferWriter<byte>(), new List<object?>(), 1));
    }

    private static string Write(object? value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            JsonRpcCodec.Default.WriteValue(writer, value);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
