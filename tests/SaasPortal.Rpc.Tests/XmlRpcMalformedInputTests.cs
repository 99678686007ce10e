using System.Diagnostics;
using System.Text;
using SaasPortal.Rpc.XmlRpc;

namespace SaasPortal.Rpc.Tests;

/// <summary>
/// Hostile and broken XML-RPC bodies: each is refused with <see cref="XmlRpcFormatException"/> and a message that
/// says why, quickly, and without the memory an expansion or a deep recursion would take.
/// </summary>
public sealed class XmlRpcMalformedInputTests
{
    private const string Head = "<?xml version='1.0'?><methodCall><methodName>m</methodName><params><param>";
    private const string Tail = "</param></params></methodCall>";

    public static TheoryData<string, string, string> Refused => new()
    {
        { "empty body", "", "empty" },
        { "whitespace only", "  \n ", "empty" },
        { "not XML", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", "not well-formed" },
        { "JSON", "{\"jsonrpc\":\"2.0\"}", "not well-formed" },
        { "truncated", Head + "<value><string>abc", "not well-formed" },
        { "truncated in a tag", Head + "<value><str", "not well-formed" },
        { "wrong root", "<methodResponse><params/></methodResponse>", "expected <methodCall>" },
        { "missing methodName", "<methodCall><params/></methodCall>", "no <methodName>" },
        { "empty methodName", "<methodCall><methodName> </methodName></methodCall>", "no <methodName>" },
        { "empty methodCall", "<methodCall/>", "no <methodName>" },
        { "two methodNames", "<methodCall><methodName>a</methodName><methodName>b</methodName></methodCall>", "more than one <methodName>" },
        { "unknown element in methodCall", "<methodCall><methodName>a</methodName><evil/></methodCall>", "unexpected element <evil>" },
        { "unknown value type", Head + "<value><float>1.5</float></value>" + Tail, "unknown value type <float>" },
        { "namespaced unknown type", Head + "<value><x:int xmlns:x='urn:x'>1</x:int></value>" + Tail, "unknown value type" },
        { "param without value", Head + Tail, "expected <value>" },
        { "two values in a param", Head + "<value>a</value><value>b</value>" + Tail, "in <param>" },
        { "two types in a value", Head + "<value><int>1</int><int>2</int></value>" + Tail, "more than one value" },
        { "text beside a type", Head + "<value>x<int>1</int></value>" + Tail, "mixes text" },
        { "letters in int", Head + "<value><int>abc</int></value>" + Tail, "is not an integer" },
        { "empty int", Head + "<value><int/></value>" + Tail, "is not an integer" },
        { "fraction in int", Head + "<value><int>1.5</int></value>" + Tail, "is not an integer" },
        { "int overflow", Head + "<value><int>2147483648</int></value>" + Tail, "outside the 32-bit range" },
        { "i4 overflow", Head + "<value><i4>-2147483649</i4></value>" + Tail, "outside the 32-bit range" },
        { "i8 overflow", Head + "<value><i8>9223372036854775808</i8></value>" + Tail, "not a 64-bit integer" },
        { "boolean 2", Head + "<value><boolean>2</boolean></value>" + Tail, "neither 0 nor 1" },
        { "boolean true", Head + "<value><boolean>true</boolean></value>" + Tail, "neither 0 nor 1" },
        { "double NaN", Head + "<value><double>NaN</double></value>" + Tail, "not a finite number" },
        { "double infinity", Head + "<value><double>1e400</double></value>" + Tail, "not a finite number" },
        { "double text", Head + "<value><double>one</double></value>" + Tail, "not a finite number" },
        { "bad base64", Head + "<value><base64>not base64!</base64></value>" + Tail, "not base64" },
        { "truncated base64", Head + "<value><base64>QUJD R</base64></value>" + Tail, "not base64" },
        { "bad date", Head + "<value><dateTime.iso8601>yesterday</dateTime.iso8601></value>" + Tail, "is not a date" },
        { "impossible date", Head + "<value><dateTime.iso8601>20240231T12:00:00</dateTime.iso8601></value>" + Tail, "is not a date" },
        { "date with zone", Head + "<value><dateTime.iso8601>20240131T12:00:00+02:00</dateTime.iso8601></value>" + Tail, "is not a date" },
        { "text in nil", Head + "<value><nil>x</nil></value>" + Tail, "<nil/> holds text" },
        { "element in string", Head + "<value><string>a<b/>c</string></value>" + Tail, "unexpected element <b> inside <string>" },
        { "member without name", Head + "<value><struct><member><value>1</value></member></struct></value>" + Tail, "no <name>" },
        { "member without value", Head + "<value><struct><member><name>a</name></member></struct></value>" + Tail, "has no <value>" },
        { "stray element in struct", Head + "<value><struct><value>1</value></struct></value>" + Tail, "expected <member>" },
        { "array without data", Head + "<value><array><value>1</value></array></value>" + Tail, "expected <data>" },
        { "text between elements", Head + "<value><array><data>junk<value>1</value></data></array></value>" + Tail, "unexpected text" },
        { "trailing garbage", Head + "<value>1</value>" + Tail + "garbage", "not well-formed" },
        { "second root", Head + "<value>1</value>" + Tail + "<methodCall/>", "not well-formed" },
        { "control character reference", Head + "<value><string>&#1;</string></value>" + Tail, "not well-formed" },
        { "undeclared entity", Head + "<value><string>&nbsp;</string></value>" + Tail, "not well-formed" },
        { "undeclared prefix", Head + "<value><y:nil/></value>" + Tail, "not well-formed" },
        {
            "billion laughs",
            "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">" +
            "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\"><!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">" +
            "<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\"><!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">" +
            "<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\"><!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">" +
            "<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">]>" +
            "<methodCall><methodName>&lol9;</methodName></methodCall>",
            "DOCTYPE is not allowed"
        },
        {
            "external entity",
            "<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>" +
            "<methodCall><methodName>m</methodName><params><param><value>&xxe;</value></param></params></methodCall>",
            "DOCTYPE is not allowed"
        },
        { "bare doctype", "<!DOCTYPE methodCall><methodCall><methodName>m</methodName></methodCall>", "DOCTYPE is not allowed" },
        { "unknown encoding", "<?xml version='1.0' encoding='x-no-such'?><methodCall><methodName>m</methodName></methodCall>", "not well-formed" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Malformed_call_is_refused_with_a_format_exception_that_says_why(string name, string body, string reason)
    {
        var error = await RefuseAsync(Encoding.UTF8.GetBytes(body), XmlRpcCodec.Default);

        Assert.True(error.Message.Contains(reason, StringComparison.Ordinal), $"{name}: '{error.Message}' does not say '{reason}'");
    }

    [Fact]
    public async Task Invalid_utf8_is_refused()
    {
        var body = Encoding.UTF8.GetBytes(Head + "<value>ab</value>" + Tail);
        var at = Array.IndexOf(body, (byte)'a');
        body[at] = 0xC3;
        body[at + 1] = 0x28;

        await RefuseAsync(body, XmlRpcCodec.Default);
    }

    [Fact]
    public async Task Ten_thousand_nested_arrays_are_refused_at_the_depth_limit_without_deep_recursion()
    {
        var body = Head + string.Concat(Enumerable.Repeat("<value><array><data>", 10_000)) + string.Concat(Enumerable.Repeat("</data></array></value>", 10_000)) + Tail;

        var error = await RefuseAsync(Encoding.UTF8.GetBytes(body), XmlRpcCodec.Default);

        Assert.Contains("deeper than 128 levels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ten_thousand_nested_structs_are_refused_at_the_depth_limit()
    {
        var body = Head + string.Concat(Enumerable.Repeat("<value><struct><member><name>a</name>", 10_000)) + Tail;

        var error = await RefuseAsync(Encoding.UTF8.GetBytes(body), XmlRpcCodec.Default);

        Assert.Contains("deeper than 128 levels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nesting_exactly_at_the_limit_is_read()
    {
        var options = new XmlRpcOptions { MaxDepth = 5 };
        string Nested(int levels) => Head + string.Concat(Enumerable.Repeat("<value><array><data>", levels)) + "<value>x</value>" +
            string.Concat(Enumerable.Repeat("</data></array></value>", levels)) + Tail;

        var call = await new XmlRpcCodec(options).ReadCallAsync(new MemoryStream(Encoding.UTF8.GetBytes(Nested(5))), TestContext.Current.CancellationToken);
        Assert.IsType<List<object?>>(call.Params[0]);
        await RefuseAsync(Encoding.UTF8.GetBytes(Nested(6)), new XmlRpcCodec(options));
    }

    [Fact]
    public async Task More_elements_than_the_limit_are_refused()
    {
        var options = new XmlRpcOptions { MaxElements = 10_000 };
        var body = Head + "<value><array><data>" + string.Concat(Enumerable.Repeat("<value><int>1</int></value>", 5_000)) + "</data></array></value>" + Tail;

        var error = await RefuseAsync(Encoding.UTF8.GetBytes(body), new XmlRpcCodec(options));

        Assert.Contains("more than 10000 elements", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_document_past_the_character_limit_is_refused()
    {
        var options = new XmlRpcOptions { MaxCharactersInDocument = 1_000 };
        var body = Head + "<value><string>" + new string('x', 2_000) + "</string></value>" + Tail;

        var error = await RefuseAsync(Encoding.UTF8.GetBytes(body), new XmlRpcCodec(options));

        Assert.Contains("longer than the reader's MaxCharactersInDocument limit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Response_without_a_value_or_with_a_broken_fault_is_refused()
    {
        string[] bodies =
        [
            "<methodResponse/>",
            "<methodResponse><params/></methodResponse>",
            "<methodResponse><params><param><value>1</value></param><param><value>2</value></param></params></methodResponse>",
            "<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>1</int></value></member></struct></value></fault></methodResponse>",
            "<methodResponse><fault><value><string>boom</string></value></fault></methodResponse>",
            "<methodResponse><fault><value><struct><member><name>faultCode</name><value><double>1</double></value></member>" +
            "<member><name>faultString</name><value>x</value></member></struct></value></fault></methodResponse>",
            "<methodResponse><params><param><value>1</value></param></params><fault/></methodResponse>",
        ];

        foreach (var body in bodies)
        {
            await Assert.ThrowsAsync<XmlRpcFormatException>(() =>
                XmlRpcCodec.Default.ReadResponseAsync(new MemoryStream(Encoding.UTF8.GetBytes(body)), TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task Random_corruptions_of_a_valid_call_end_in_a_value_or_a_format_exception_only()
    {
        var valid = new XmlRpcCodec(new XmlRpcOptions { AllowNone = true }).EncodeCall("execute_kw",
            new Support.WireValueGenerator(7, Support.GeneratorProfile.XmlRpc).Params(6));
        var random = new Random(20240131);
        for (var i = 0; i < 3_000; i++)
        {
            var body = (byte[])valid.Clone();
            switch (random.Next(3))
            {
                case 0:
                    body[random.Next(body.Length)] = (byte)random.Next(256);
                    break;
                case 1:
                    body = body[..random.Next(body.Length)];
                    break;
                default:
                    var at = random.Next(body.Length);
                    var length = random.Next(1, 20);
                    body = [.. body[..at], .. body[Math.Min(body.Length, at + length)..]];
                    break;
            }

            try
            {
                await XmlRpcCodec.Default.ReadCallAsync(new MemoryStream(body), TestContext.Current.CancellationToken);
            }
            catch (XmlRpcFormatException)
            {
            }
            catch (Exception e)
            {
                Assert.Fail($"corruption {i} escaped as {e.GetType().Name}: {e.Message}\n{Encoding.UTF8.GetString(body)}");
            }
        }
    }

    private static async Task<XmlRpcFormatException> RefuseAsync(byte[] body, XmlRpcCodec codec)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<XmlRpcFormatException>(() =>
            codec.ReadCallAsync(new MemoryStream(body), TestContext.Current.CancellationToken));
        clock.Stop();
        // Generous bounds, orders of magnitude below what an entity expansion or a runaway parse would take.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"refusal took {clock.Elapsed}");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 64L * 1024 * 1024 + 16L * body.Length, $"refusal allocated {allocated} bytes");
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        return error;
    }
}
