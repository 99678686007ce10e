using System.Collections;
using System.Text;
using SaasPortal.Rpc.Tests.Support;
using SaasPortal.Rpc.XmlRpc;

namespace SaasPortal.Rpc.Tests;

/// <summary>What the XML-RPC writer puts on the wire, and what it refuses to.</summary>
public sealed class XmlRpcWriterTests
{
    [Fact]
    public void Null_is_written_as_false_unless_none_is_allowed()
    {
        var odoo = Text(XmlRpcCodec.Default.EncodeResponse(new List<object?> { null }));
        var withNone = Text(new XmlRpcCodec(new XmlRpcOptions { AllowNone = true }).EncodeResponse(null));

        Assert.DoesNotContain("nil", odoo, StringComparison.Ordinal);
        Assert.Contains("<value><boolean>0</boolean></value>", odoo, StringComparison.Ordinal);
        Assert.Contains("<value><nil/></value>", withNone, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fault_has_Odoo_shape_with_an_int_or_a_string_code()
    {
        var intFault = await RenderAsync((s, ct) => XmlRpcCodec.Default.WriteFaultAsync(s, 3, "Access Denied", ct));
        var stringFault = await RenderAsync((s, ct) => XmlRpcCodec.Default.WriteFaultAsync(s, "AccessDenied", "Access Denied", ct));

        Assert.Equal(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><methodResponse><fault><value><struct>" +
            "<member><name>faultCode</name><value><int>3</int></value></member>" +
            "<member><name>faultString</name><value><string>Access Denied</string></value></member>" +
            "</struct></value></fault></methodResponse>", intFault);
        Assert.Contains("<name>faultCode</name><value><string>AccessDenied</string></value>", stringFault, StringComparison.Ordinal);
        var read = await XmlRpcCodec.Default.ReadResponseAsync(new MemoryStream(Encoding.UTF8.GetBytes(stringFault)), TestContext.Current.CancellationToken);
        Assert.Equal(new XmlRpcFault("AccessDenied", "Access Denied"), read.Fault);
    }

    [Fact]
    public async Task Fault_code_that_is_neither_int_nor_string_is_refused_before_writing()
    {
        using var output = new MemoryStream();

        await Assert.ThrowsAsync<RpcEncodingException>(() => XmlRpcCodec.Default.WriteFaultAsync(output, 3.5, "x", TestContext.Current.CancellationToken));

        Assert.Equal(0, output.Length);
    }

    [Fact]
    public async Task Fault_text_that_XML_cannot_carry_is_replaced_so_the_fault_still_goes_out()
    {
        var fault = await RenderAsync((s, ct) => XmlRpcCodec.Default.WriteFaultAsync(s, 2, "bad \u0001name\uD800 😀", ct));
        var legacy = await RenderAsync((s, ct) => XmlRpcCodec.Default.WriteFaultAsync(s, "warning -- \u001B", "", ct));

        var read = await XmlRpcCodec.Default.ReadResponseAsync(new MemoryStream(Encoding.UTF8.GetBytes(fault)), TestContext.Current.CancellationToken);
        var readLegacy = await XmlRpcCodec.Default.ReadResponseAsync(new MemoryStream(Encoding.UTF8.GetBytes(legacy)), TestContext.Current.CancellationToken);

        Assert.Equal(new XmlRpcFault(2, "bad \uFFFDname\uFFFD 😀"), read.Fault);
        Assert.Equal(new XmlRpcFault("warning -- \uFFFD", ""), readLegacy.Fault);
    }

    [Fact]
    public void Scalars_are_written_in_the_forms_every_client_reads()
    {
        var text = Text(XmlRpcCodec.Default.EncodeResponse(new List<object?>
        {
            true, 42, 3_000_000_000L, 7L, 0.1, 1e20, -0.0, 3.0, "a<b&c]]>", "\r\n",
            new DateTime(2024, 1, 31, 12, 0, 0, 500), new byte[] { 1, 2, 3 },
        }));

        Assert.Contains(
            "<value><boolean>1</boolean></value><value><int>42</int></value><value><i8>3000000000</i8></value><value><int>7</int></value>" +
            "<value><double>0.1</double></value><value><double>1E+20</double></value><value><double>-0</double></value><value><double>3</double></value>" +
            "<value><string>a&lt;b&amp;c]]&gt;</string></value><value><string>&#xD;\n</string></value>" +
            "<value><dateTime.iso8601>20240131T12:00:00</dateTime.iso8601></value><value><base64>AQID</base64></value>",
            text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Related_dotnet_types_are_written_as_their_wire_types()
    {
        var hashtable = new Hashtable { ["k"] = (short)5 };
        IReadOnlyDictionary<string, object?> readOnly = new SortedList<string, object?> { ["b"] = 2.5f, ["a"] = 1.25m };
        var value = new List<object?>
        {
            (byte)1, (sbyte)-2, (short)3, (ushort)4, 5u, uint.MaxValue, 6UL, 2.5f, 1.25m,
            new DateTimeOffset(2024, 1, 31, 14, 0, 0, TimeSpan.FromHours(2)),
            new[] { 1, 2 }, new HashSet<string> { "x" }, Enumerable.Range(1, 2).Select(i => (object)(i * 10)),
            hashtable, readOnly, new Dictionary<string, int> { ["n"] = 1 },
        };

        var response = await XmlRpcCodec.Default.ReadResponseAsync(new MemoryStream(XmlRpcCodec.Default.EncodeResponse(value)), TestContext.Current.CancellationToken);

        WireAssert.Equal(new List<object?>
        {
            1, -2, 3, 4, 5, (long)uint.MaxValue, 6, 2.5, 1.25,
            new DateTime(2024, 1, 31, 12, 0, 0),
            new List<object?> { 1, 2 }, new List<object?> { "x" }, new List<object?> { 10, 20 },
            new Dictionary<string, object?> { ["k"] = 5 },
            new Dictionary<string, object?> { ["a"] = 1.25, ["b"] = 2.5 },
            new Dictionary<string, object?> { ["n"] = 1 },
        }, response.Value);
    }

    public static TheoryData<string, object?> Unwritable => new()
    {
        { "NaN", double.NaN },
        { "infinity", double.PositiveInfinity },
        { "float infinity", float.NegativeInfinity },
        { "ulong past long", ulong.MaxValue },
        { "unsupported type", Guid.Empty },
        { "object", new object() },
        { "NUL", "a\0b" },
        { "control character", "bell\u0007" },
        { "U+FFFE", "\uFFFE" },
        { "U+FFFF", "x\uFFFF" },
        { "lone high surrogate", "a\uD83D" },
        { "lone low surrogate", "\uDE00a" },
        { "reversed surrogates", "\uDE00\uD83D" },
        { "bad member name", new Dictionary<string, object?> { ["a\u0001"] = 1 } },
        { "deep inside", new List<object?> { new Dictionary<string, object?> { ["x"] = new List<object?> { "ok", "\u001B[31m" } } } },
        { "non-string key", new Hashtable { [1] = "one" } },
    };

    [Theory]
    [MemberData(nameof(Unwritable))]
    public async Task Value_without_an_XmlRpc_form_is_refused_before_any_byte_is_written(string name, object? value)
    {
        using var output = new MemoryStream();

        var error = await Assert.ThrowsAsync<RpcEncodingException>(() => XmlRpcCodec.Default.WriteResponseAsync(output, value, TestContext.Current.CancellationToken));

        Assert.True(output.Length == 0, $"{name}: bytes were written before the refusal");
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void Forbidden_character_refusal_names_the_character_and_where_it_is()
    {
        var error = Assert.Throws<RpcEncodingException>(() => XmlRpcCodec.Default.EncodeResponse("abc\u0001def"));

        Assert.Contains("U+0001 at index 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Astral_and_private_use_characters_are_written()
    {
        var text = Text(XmlRpcCodec.Default.EncodeResponse("😀𝄞\uE000\uFFFD\t"));

        Assert.Contains("<string>😀𝄞\uE000\uFFFD\t</string>", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_past_the_limit_is_refused_when_writing()
    {
        object? value = "leaf";
        for (var i = 0; i < 129; i++)
        {
            value = new List<object?> { value };
        }

        var error = Assert.Throws<RpcEncodingException>(() => XmlRpcCodec.Default.EncodeResponse(value));

        Assert.Contains("deeper than 128", error.Message, StringComparison.Ordinal);
        Assert.NotEmpty(XmlRpcCodec.Default.EncodeResponse(((List<object?>)value!)[0]));
    }

    [Fact]
    public void Call_needs_a_method_name()
    {
        Assert.Throws<RpcEncodingException>(() => XmlRpcCodec.Default.EncodeCall(" ", []));
    }

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    private static async Task<string> RenderAsync(Func<Stream, CancellationToken, Task> write)
    {
        using var buffer = new MemoryStream();
        await write(buffer, TestContext.Current.CancellationToken);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
