using System.Text;
using SaasPortal.Rpc.Tests.Support;
using SaasPortal.Rpc.XmlRpc;

namespace SaasPortal.Rpc.Tests;

/// <summary>What real clients send, as literal payloads: node's xmlrpc, Python's xmlrpc.client, Apache XML-RPC.</summary>
public sealed class XmlRpcClientQuirkTests
{
    [Fact]
    public async Task Node_xmlrpc_call_with_cdata_empty_string_tag_and_nil_is_read()
    {
        // As node's xmlrpc serialises execute_kw(db, 2, pw, "res.partner", "create", [{…}]): no declaration
        // whitespace, CDATA for text with < or &, "]]>" split across two CDATA sections, <string/> for "".
        const string body =
            "<?xml version=\"1.0\"?><methodCall><methodName>execute_kw</methodName><params>" +
            "<param><value><string>db1</string></value></param>" +
            "<param><value><int>2</int></value></param>" +
            "<param><value><string><![CDATA[p<ss&word]]></string></value></param>" +
            "<param><value><string>res.partner</string></value></param>" +
            "<param><value><string>create</string></value></param>" +
            "<param><value><array><data><value><struct>" +
            "<member><name>name</name><value><string><![CDATA[Tom & Jerry <cartoons>]]></string></value></member>" +
            "<member><name>comment</name><value><string/></value></member>" +
            "<member><name>ref</name><value><string><![CDATA[a]]]]><![CDATA[>b]]></string></value></member>" +
            "<member><name>parent_id</name><value><nil/></value></member>" +
            "<member><name>credit_limit</name><value><int>1500</int></value></member>" +
            "<member><name>ratio</name><value><double>0.25</double></value></member>" +
            "<member><name>active</name><value><boolean>1</boolean></value></member>" +
            "</struct></value></data></array></value></param>" +
            "</params></methodCall>";

        var call = await ReadAsync(body);

        Assert.Equal("execute_kw", call.MethodName);
        WireAssert.Equal(new List<object?>
        {
            "db1", 2, "p<ss&word", "res.partner", "create",
            new List<object?>
            {
                new Dictionary<string, object?>
                {
                    ["name"] = "Tom & Jerry <cartoons>",
                    ["comment"] = "",
                    ["ref"] = "a]]>b",
                    ["parent_id"] = null,
                    ["credit_limit"] = 1500,
                    ["ratio"] = 0.25,
                    ["active"] = true,
                },
            },
        }, call.Params.ToList());
    }

    [Fact]
    public async Task Python_call_with_single_quoted_declaration_untyped_values_and_wrapped_base64_is_read()
    {
        const string body = """
            <?xml version='1.0'?>
            <methodCall>
            <methodName>execute</methodName>
            <params>
            <param>
            <value>untyped text</value>
            </param>
            <param>
            <value></value>
            </param>
            <param>
            <value><base64>
            QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0
            NTY3ODk=
            </base64></value>
            </param>
            <param>
            <value><dateTime.iso8601>20240131T12:00:00</dateTime.iso8601></value>
            </param>
            </params>
            </methodCall>
            """;

        var call = await ReadAsync(body);

        WireAssert.Equal(new List<object?>
        {
            "untyped text", "", Encoding.ASCII.GetBytes("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
            new DateTime(2024, 1, 31, 12, 0, 0),
        }, call.Params.ToList());
    }

    [Fact]
    public async Task Apache_ex_extensions_are_read_with_or_without_the_prefix_declared()
    {
        const string declared =
            "<methodCall xmlns:ex=\"http://ws.apache.org/xmlrpc/namespaces/extensions\"><methodName>m</methodName><params>" +
            "<param><value><ex:nil/></value></param><param><value><ex:i8>9999999999</ex:i8></value></param></params></methodCall>";
        const string undeclared =
            "<methodCall><methodName>m</methodName><params><param><value><ex:nil/></value></param></params></methodCall>";

        WireAssert.Equal(new List<object?> { null, 9_999_999_999L }, (await ReadAsync(declared)).Params.ToList());
        WireAssert.Equal(new List<object?> { null }, (await ReadAsync(undeclared)).Params.ToList());
    }

    [Theory]
    [InlineData("20240131T12:00:00")]
    [InlineData("2024-01-31T12:00:00")]
    [InlineData(" 2024-01-31T12:00:00 ")]
    [InlineData("20240131T12:00:00.000")]
    public async Task Both_date_forms_are_read(string text)
    {
        var call = await ReadAsync($"<methodCall><methodName>m</methodName><params><param><value><dateTime.iso8601>{text}</dateTime.iso8601></value></param></params></methodCall>");

        var date = Assert.IsType<DateTime>(call.Params[0]);
        Assert.Equal(new DateTime(2024, 1, 31, 12, 0, 0), date);
        Assert.Equal(DateTimeKind.Unspecified, date.Kind);
    }

    [Fact]
    public async Task Whitespace_comments_and_processing_instructions_between_elements_are_ignored_but_kept_inside_strings()
    {
        const string body = """
            <?xml version="1.0"?>
            <!-- a comment -->
            <methodCall>
              <methodName> execute_kw </methodName>
              <?pi ignored?>
              <params>
                <param>
                  <value>
                    <struct>
                      <member>
                        <value><int> +42 </int></value>
                        <name>answer</name>
                      </member>
                      <member><name>dup</name><value><i4>1</i4></value></member>
                      <member><name>dup</name><value><i4>2</i4></value></member>
                      <member><name>spaces</name><value><string>  two  </string></value></member>
                    </struct>
                  </value>
                </param>
                <param><value><array/></value></param>
                <param><value><array><data/></array></value></param>
                <param><value>   </value></param>
              </params>
            </methodCall>
            <!-- trailing comment -->
            """;

        var call = await ReadAsync(body);

        Assert.Equal("execute_kw", call.MethodName);
        WireAssert.Equal(new List<object?>
        {
            new Dictionary<string, object?> { ["answer"] = 42, ["dup"] = 2, ["spaces"] = "  two  " },
            new List<object?>(),
            new List<object?>(),
            "   ",
        }, call.Params.ToList());
    }

    [Theory]
    [InlineData("<methodCall><methodName>version</methodName></methodCall>")]
    [InlineData("<methodCall><methodName>version</methodName><params/></methodCall>")]
    [InlineData("<methodCall><methodName>version</methodName><params></params></methodCall>")]
    public async Task A_call_without_params_has_none(string body)
    {
        var call = await ReadAsync(body);

        Assert.Equal("version", call.MethodName);
        Assert.Empty(call.Params);
    }

    [Fact]
    public async Task Declared_iso_8859_1_and_utf16_bodies_are_decoded()
    {
        var latin1 = Encoding.Latin1.GetBytes("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><methodCall><methodName>m</methodName><params><param><value>café</value></param></params></methodCall>");
        var utf16 = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("<?xml version=\"1.0\" encoding=\"utf-16\"?><methodCall><methodName>m</methodName><params><param><value>中文 😀</value></param></params></methodCall>")).ToArray();

        var fromLatin1 = await XmlRpcCodec.Default.ReadCallAsync(new MemoryStream(latin1), TestContext.Current.CancellationToken);
        var fromUtf16 = await XmlRpcCodec.Default.ReadCallAsync(new MemoryStream(utf16), TestContext.Current.CancellationToken);

        Assert.Equal("café", fromLatin1.Params[0]);
        Assert.Equal("中文 😀", fromUtf16.Params[0]);
    }

    [Fact]
    public async Task Character_references_and_a_utf8_bom_are_read()
    {
        var body = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(
            "<methodCall><methodName>m</methodName><params><param><value><string>&#x1F600;&#13;&lt;&amp;&gt;&quot;&apos;</string></value></param></params></methodCall>")).ToArray();

        var call = await XmlRpcCodec.Default.ReadCallAsync(new MemoryStream(body), TestContext.Current.CancellationToken);

        Assert.Equal("😀\r<&>\"'", call.Params[0]);
    }

    [Fact]
    public async Task A_stream_delivered_in_small_async_reads_is_read_as_a_whole_without_synchronous_reads()
    {
        // A text node longer than the reader's buffer is read in parts: that path must stay asynchronous too.
        var parameters = new WireValueGenerator(11, GeneratorProfile.XmlRpc).Params(5);
        parameters.Add(string.Concat(Enumerable.Repeat("long text & more ", 5_000)));
        var bytes = new XmlRpcCodec(new XmlRpcOptions { AllowNone = true }).EncodeCall("m", parameters);
        var expected = await XmlRpcCodec.Default.ReadCallAsync(new MemoryStream(bytes), TestContext.Current.CancellationToken);

        var call = await XmlRpcCodec.Default.ReadCallAsync(new TrickleStream(bytes), TestContext.Current.CancellationToken);

        WireAssert.Equal(expected.Params.ToList(), call.Params.ToList());
    }

    private static Task<XmlRpcCall> ReadAsync(string body) =>
        XmlRpcCodec.Default.ReadCallAsync(new MemoryStream(Encoding.UTF8.GetBytes(body)), TestContext.Current.CancellationToken);

    /// <summary>A network-like stream: async only (sync reads fail, as Kestrel's do by default), a few bytes per read.</summary>
    private sealed class TrickleStream(byte[] data) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            if (_position == data.Length || buffer.IsEmpty)
            {
                return 0;
            }

            var count = Math.Min(Math.Min(7, buffer.Length), data.Length - _position);
            data.AsSpan(_position, count).CopyTo(buffer.Span);
            _position += count;
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("synchronous read");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
