using System.Net;
using System.Net.Http.Headers;
using System.Text;
using SaasPortal.Rpc.XmlRpc;
using SaasPortal.Testing;

namespace SaasPortal.EndToEnd.Tests;

/// <summary>
/// Hostile and broken requests over HTTP: each gets a fault or a 4xx, never a 500, and the server keeps answering
/// common.version() afterwards.
/// </summary>
[Collection(SqliteServerCollection.Name)]
public sealed class MalformedInputTests(SqliteServerFixture fixture) : IDisposable
{
    private const string Version = "<?xml version='1.0'?><methodCall><methodName>version</methodName><params></params></methodCall>";

    private readonly HttpClient _http = new() { BaseAddress = new Uri(fixture.Url), Timeout = TimeSpan.FromMinutes(2) };

    public void Dispose() => _http.Dispose();

    public static TheoryData<string, string, string> BrokenXml => new()
    {
        { "truncated", "<?xml version='1.0'?><methodCall><methodName>version</methodName><params><param><value><string>ab", "" },
        { "not xml", "this is not XML at all", "" },
        { "empty body", "", "" },
        {
            "billion laughs",
            """<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]><methodCall><methodName>&lol4;</methodName></methodCall>""",
            "DTD"
        },
        {
            "external entity",
            """<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><methodCall><methodName>db_exist</methodName><params><param><value>&xxe;</value></param></params></methodCall>""",
            "DTD"
        },
        { "int that is not a number", Call("db_exist", "<int>abc</int>"), "int" },
        { "boolean two", Call("db_exist", "<boolean>2</boolean>"), "boolean" },
        { "unknown element", Call("db_exist", "<frobnicate>1</frobnicate>"), "frobnicate" },
        { "missing methodName", "<?xml version='1.0'?><methodCall><params/></methodCall>", "methodName" },
        { "content after the root", Version + "<methodCall/>", "" },
    };

    [Theory]
    [MemberData(nameof(BrokenXml))]
    public async Task Broken_xml_gets_a_fault_and_the_server_stays_up(string label, string body, string mentioned)
    {
        var ct = TestContext.Current.CancellationToken;
        var fault = await FaultOfAsync("/xmlrpc/2/db", body, ct);

        Assert.Equal(1, fault.FaultCode);
        Assert.Contains(mentioned, fault.FaultString, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("root:", fault.FaultString, StringComparison.Ordinal);
        await AssertAliveAsync(label, ct);
    }

    [Fact]
    public async Task Ten_thousand_deep_nesting_is_refused_quickly()
    {
        var ct = TestContext.Current.CancellationToken;
        var body = new StringBuilder("<?xml version='1.0'?><methodCall><methodName>db_exist</methodName><params><param>");
        for (var i = 0; i < 10_000; i++)
        {
            body.Append("<value><array><data>");
        }

        for (var i = 0; i < 10_000; i++)
        {
            body.Append("</data></array></value>");
        }

        body.Append("</param></params></methodCall>");

        var fault = await FaultOfAsync("/xmlrpc/2/db", body.ToString(), ct);

        Assert.Equal(1, fault.FaultCode);
        Assert.Contains("deep", fault.FaultString, StringComparison.OrdinalIgnoreCase);
        await AssertAliveAsync("deep nesting", ct);
    }

    [Fact]
    public async Task A_100_MB_body_gets_413_before_it_is_read()
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/xmlrpc/2/common") { Content = new RepeatedContent(100L * 1024 * 1024) };
        request.Headers.ExpectContinue = true;

        using var response = await _http.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertAliveAsync("100 MB", ct);
    }

    [Fact]
    public async Task A_chunked_body_past_the_limit_is_cut_off_and_the_server_stays_up()
    {
        var ct = TestContext.Current.CancellationToken;
        using var content = new RepeatedContent(100L * 1024 * 1024, chunked: true);
        try
        {
            using var response = await _http.PostAsync("/xmlrpc/2/common", content, ct);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }
        catch (HttpRequestException)
        {
            // Kestrel may answer 413 and close while the client is still sending; the client then sees a reset.
        }

        await AssertAliveAsync("chunked 100 MB", ct);
    }

    [Fact]
    public async Task Unknown_method_is_a_fault_naming_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var fault = await FaultOfAsync("/xmlrpc/2/common", Call("frobnicate"), ct);

        Assert.Equal(1, fault.FaultCode);
        Assert.Contains("frobnicate", fault.FaultString, StringComparison.Ordinal);
        await AssertAliveAsync("unknown method", ct);
    }

    [Fact]
    public async Task Unknown_service_is_a_fault_naming_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var fault = await FaultOfAsync("/xmlrpc/2/nosuchservice", Version, ct);

        Assert.Equal(1, fault.FaultCode);
        Assert.Contains("nosuchservice", fault.FaultString, StringComparison.Ordinal);
        await AssertAliveAsync("unknown service", ct);
    }

    [Fact]
    public async Task Wrong_argument_types_are_a_type_error_naming_the_argument()
    {
        var ct = TestContext.Current.CancellationToken;
        var fault = await FaultOfAsync("/xmlrpc/2/db", Call("db_exist", "<int>42</int>"), ct);

        Assert.Equal(1, fault.FaultCode);
        Assert.Contains("TypeError", fault.FaultString, StringComparison.Ordinal);
        Assert.Contains("db_name", fault.FaultString, StringComparison.Ordinal);

        fault = await FaultOfAsync("/xmlrpc/2/object", Call("execute_kw", "<string>db</string>", "<int>1</int>", "<string>pw</string>",
            "<string>res.partner</string>", "<string>search</string>", "<string>not a list</string>"), ct);
        Assert.Contains("args", fault.FaultString, StringComparison.Ordinal);
        await AssertAliveAsync("wrong types", ct);
    }

    [Fact]
    public async Task Get_instead_of_post_is_405()
    {
        var ct = TestContext.Current.CancellationToken;
        foreach (var path in new[] { "/xmlrpc/2/common", "/xmlrpc/common", "/jsonrpc", "/web/session/authenticate" })
        {
            using var response = await _http.GetAsync(path, ct);
            Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        }

        await AssertAliveAsync("GET", ct);
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json")]
    [InlineData("")]
    public async Task Any_content_type_is_tolerated_as_odoo_does(string contentType)
    {
        var ct = TestContext.Current.CancellationToken;
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Version));
        content.Headers.ContentType = contentType.Length == 0 ? null : new MediaTypeHeaderValue(contentType);

        using var response = await _http.PostAsync("/xmlrpc/2/common", content, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var parsed = await XmlRpcCodec.Default.ReadResponseAsync(await response.Content.ReadAsStreamAsync(ct), ct);
        Assert.False(parsed.IsFault);
        Assert.Equal("8.0", ((IReadOnlyDictionary<string, object?>)parsed.Value!)["server_version"]);
    }

    [Fact]
    public async Task Legacy_route_uses_odoo_8_string_fault_codes()
    {
        var ct = TestContext.Current.CancellationToken;
        var denied = await FaultOfAsync("/xmlrpc/db", Call("drop", "<string>wrong</string>", "<string>x</string>"), ct);
        Assert.Equal("AccessDenied", denied.FaultCode);
        Assert.Equal("Access Denied", denied.FaultString);

        var invalid = await FaultOfAsync("/xmlrpc/db", Call("drop", $"<string>{fixture.MasterPassword}</string>", "<int>3</int>"), ct);
        Assert.IsType<string>(invalid.FaultCode);

        var badName = await FaultOfAsync("/xmlrpc/db",
            Call("create_database", $"<string>{fixture.MasterPassword}</string>", "<string>Not Valid</string>", "<boolean>0</boolean>", "<string>en_US</string>"), ct);
        Assert.StartsWith("warning -- ValidationError\n\nInvalid database name", (string)badName.FaultCode, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1, 2, 3]")]
    [InlineData("{\"jsonrpc\": \"2.0\", \"params\": [1]}")]
    public async Task Malformed_json_rpc_is_400_and_the_server_stays_up(string body)
    {
        var ct = TestContext.Current.CancellationToken;
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await _http.PostAsync("/jsonrpc", content, ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertAliveAsync("json " + body, ct);
    }

    [Fact]
    public async Task Deeply_nested_json_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        var body = "{\"jsonrpc\":\"2.0\",\"params\":{\"service\":\"db\",\"method\":\"list\",\"args\":" + new string('[', 10_000) + new string(']', 10_000) + "}}";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await _http.PostAsync("/jsonrpc", content, ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertAliveAsync("deep json", ct);
    }

    [Fact]
    public async Task Json_rpc_unknown_service_and_missing_fields_are_odoo_errors()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = new JsonRpcClient(fixture.Url);

        var unknown = await Assert.ThrowsAsync<JsonRpcError>(() => client.CallAsync("nosuchservice", "list", [], ct));
        Assert.Equal(200, unknown.Code);
        Assert.Contains("nosuchservice", unknown.DataMessage, StringComparison.Ordinal);

        var missing = await Assert.ThrowsAsync<JsonRpcError>(() => client.PostAsync("/jsonrpc", new { service = "db" }, ct));
        Assert.Equal("builtins.TypeError", missing.Name);
        Assert.Contains("method", missing.DataMessage, StringComparison.Ordinal);
        await AssertAliveAsync("json unknown service", ct);
    }

    private static string Call(string method, params string[] values) =>
        $"<?xml version='1.0'?><methodCall><methodName>{method}</methodName><params>"
        + string.Concat(values.Select(v => $"<param><value>{v}</value></param>"))
        + "</params></methodCall>";

    private async Task<XmlRpcFault> FaultOfAsync(string path, string body, CancellationToken ct)
    {
        using var content = new StringContent(body, Encoding.UTF8, "text/xml");
        using var response = await _http.PostAsync(path, content, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var parsed = await XmlRpcCodec.Default.ReadResponseAsync(await response.Content.ReadAsStreamAsync(ct), ct);
        Assert.True(parsed.IsFault, "expected a fault");
        return parsed.Fault!;
    }

    private async Task AssertAliveAsync(string after, CancellationToken ct)
    {
        Assert.True(fixture.Server.IsRunning, $"the server died after '{after}':\n{fixture.Server.Output}");
        using var content = new StringContent(Version, Encoding.UTF8, "text/xml");
        using var response = await _http.PostAsync("/xmlrpc/2/common", content, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var parsed = await XmlRpcCodec.Default.ReadResponseAsync(await response.Content.ReadAsStreamAsync(ct), ct);
        Assert.False(parsed.IsFault, $"version() failed after '{after}'");
    }

    /// <summary>A large body produced on the fly, without holding it in memory.</summary>
    private sealed class RepeatedContent(long length, bool chunked = false) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            var block = new byte[64 * 1024];
            Array.Fill(block, (byte)'a');
            for (long sent = 0; sent < length; sent += block.Length)
            {
                await stream.WriteAsync(block.AsMemory(0, (int)Math.Min(block.Length, length - sent)), cancellationToken);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long size)
        {
            size = length;
            return !chunked;
        }
    }
}
