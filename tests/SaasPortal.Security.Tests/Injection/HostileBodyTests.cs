using System.Net;
using System.Net.Http.Headers;
using System.Text;
using SaasPortal.Security.Tests.Support;
using SaasPortal.Testing;

namespace SaasPortal.Security.Tests.Injection;

/// <summary>
/// Bodies that once killed the whole server process with a stack overflow, sent over HTTP: the server answers
/// and keeps answering.
/// </summary>
[Collection(SqliteServerCollection.Name)]
public sealed class HostileBodyTests(SqliteServerFixture fixture) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(fixture.Url), Timeout = TimeSpan.FromMinutes(3) };

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Eight_million_xml_comments_get_an_answer_and_the_server_stays_up()
    {
        var ct = TestContext.Current.CancellationToken;
        var body = new StringBuilder("<?xml version='1.0'?><methodCall><methodName>version</methodName><params><param>", 57_000_000);
        body.Insert(body.Length, "<!---->", 8_000_000);
        body.Append("<value>x</value></param></params></methodCall>");
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body.ToString()));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/xml");

        using var response = await _http.PostAsync("/xmlrpc/2/common", content, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(fixture.Server.IsRunning, fixture.Server.Output);
        using var rpc = new XmlRpcClient(fixture.Url);
        Assert.IsType<Dictionary<string, object?>>(await rpc.CallAsync("common", "version", [], ct));
    }

    [Fact]
    public async Task A_search_with_a_million_prefix_operators_gets_an_answer_and_the_server_stays_up()
    {
        var ct = TestContext.Current.CancellationToken;
        using var rpc = new JsonRpcCaller(fixture.Url);
        var db = fixture.NewDatabaseName("deep");
        Assert.Equal(true, await rpc.CallAsync("db", "create_database", [fixture.MasterPassword, db, false, "en_US", "deep password"], ct));
        List<object?> negations = [.. Enumerable.Repeat<object?>("!", 1_000_000), new List<object?> { "id", "=", 1 }];
        List<object?> ors = [.. Enumerable.Repeat<object?>("|", 9_999), .. Enumerable.Range(0, 10_000).Select(i => (object?)new List<object?> { "id", "=", i })];
        List<object?> tooMany = [.. Enumerable.Repeat<object?>("|", 99_999), .. Enumerable.Range(0, 100_000).Select(i => (object?)new List<object?> { "id", "=", i })];

        // An even number of '!' is the term itself; 10 000 ORed ids (the most terms a domain may have) find the
        // records there are; 100 000 terms are refused as the client's error, not the driver's parameter limit.
        Assert.IsType<List<object?>>(await rpc.ExecuteKwAsync(db, 1, "deep password", "res.partner", "search", [negations], null, ct));
        var found = Assert.IsType<List<object?>>(await rpc.ExecuteKwAsync(db, 1, "deep password", "res.partner", "search", [ors], null, ct));
        Assert.NotEmpty(found);
        var refused = await Assert.ThrowsAsync<RpcFault>(() => rpc.ExecuteKwAsync(db, 1, "deep password", "res.partner", "search", [tooMany], null, ct));
        Assert.Contains("more than 10000 terms", refused.Text, StringComparison.Ordinal);

        Assert.True(fixture.Server.IsRunning, fixture.Server.Output);
    }
}
