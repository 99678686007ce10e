using System.Net;
using System.Text;
using SaasPortal.Testing;

namespace SaasPortal.EndToEnd.Tests;

/// <summary>Odoo's web-session JSON routes over HTTP.</summary>
[Collection(SqliteServerCollection.Name)]
public sealed class WebSessionTests(SqliteServerFixture fixture)
{
    [Fact]
    public async Task Version_info_returns_the_same_dict_as_common_version()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = new JsonRpcClient(fixture.Url);

        var info = await client.PostAsync("/web/webclient/version_info", new { }, ct);
        var version = await client.CallAsync("common", "version", [], ct);

        Assert.Equal(version.GetRawText(), info.GetRawText());
        Assert.Equal("8.0", info.GetProperty("server_serie").GetString());
    }

    [Theory]
    [InlineData("/web/session/get_session_info")]
    [InlineData("/web/dataset/call_kw")]
    [InlineData("/web/dataset/call_kw/res.partner/search_read")]
    public async Task Routes_that_need_a_session_answer_session_expired_without_one(string route)
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = new JsonRpcClient(fixture.Url);

        var error = await Assert.ThrowsAsync<JsonRpcError>(() =>
            client.PostAsync(route, new { model = "res.partner", method = "search_read", args = Array.Empty<object>(), kwargs = new { } }, ct));

        Assert.Equal(100, error.Code);
        Assert.Equal("Odoo Session Expired", error.ErrorMessage);
        Assert.Equal("odoo.http.SessionExpiredException", error.Name);
    }

    [Fact]
    public async Task A_forged_or_tampered_session_cookie_is_no_session()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = new JsonRpcClient(fixture.Url);
        var origin = new Uri(fixture.Url);
        // The shape of a real cookie, but not signed with the server's keys.
        var forged = Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"Db\":\"portal\",\"Uid\":1,\"Login\":\"admin\",\"ExpiresUnix\":99999999999}"));
        client.Cookies.Add(origin, new Cookie("session_id", forged.TrimEnd('=').Replace('+', '-').Replace('/', '_')));

        var error = await Assert.ThrowsAsync<JsonRpcError>(() => client.PostAsync("/web/session/get_session_info", new { }, ct));

        Assert.Equal(100, error.Code);
    }

    [Fact]
    public async Task Authenticate_with_a_wrong_password_is_access_denied_and_sets_no_cookie()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = new JsonRpcClient(fixture.Url);

        var error = await Assert.ThrowsAsync<JsonRpcError>(() =>
            client.PostAsync("/web/session/authenticate", new { db = fixture.PortalDatabase, login = "admin", password = "not-the-password" }, ct));

        Assert.Equal("odoo.exceptions.AccessDenied", error.Name);
        Assert.Empty(client.Cookies.GetCookies(new Uri(fixture.Url)));
    }

    [Fact]
    public async Task Authenticate_with_an_invalid_database_name_is_a_clear_error()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = new JsonRpcClient(fixture.Url);

        var error = await Assert.ThrowsAsync<JsonRpcError>(() =>
            client.PostAsync("/web/session/authenticate", new { db = "../../etc/passwd", login = "admin", password = "admin" }, ct));

        Assert.Equal("odoo.exceptions.ValidationError", error.Name);
        Assert.Contains("Invalid database name", error.DataMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Destroy_expires_the_cookie()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = new HttpClient { BaseAddress = new Uri(fixture.Url) };
        using var content = new StringContent("{\"jsonrpc\":\"2.0\",\"method\":\"call\",\"params\":{},\"id\":1}", Encoding.UTF8, "application/json");

        using var response = await http.PostAsync("/web/session/destroy", content, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("session_id=;", setCookie, StringComparison.Ordinal);
        Assert.Contains("expires=Thu, 01 Jan 1970", setCookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Authenticate_sets_a_signed_cookie_that_runs_call_kw_as_the_user_until_destroy()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = new JsonRpcClient(fixture.Url);
        var db = fixture.NewDatabaseName("web");
        await client.CallAsync("db", "create_database", [fixture.MasterPassword, db, false, "en_US", "web-secret"], ct);

        var info = await client.PostAsync("/web/session/authenticate", new { db, login = "admin", password = "web-secret" }, ct);
        Assert.Equal(1, info.GetProperty("uid").GetInt32());
        Assert.Equal(db, info.GetProperty("db").GetString());
        Assert.Equal("admin", info.GetProperty("username").GetString());
        Assert.Equal("en_US", info.GetProperty("user_context").GetProperty("lang").GetString());
        var cookie = Assert.Single(client.Cookies.GetCookies(new Uri(fixture.Url)));
        Assert.Equal("session_id", cookie.Name);
        Assert.True(cookie.HttpOnly);
        Assert.DoesNotContain("web-secret", cookie.Value, StringComparison.Ordinal);

        var again = await client.PostAsync("/web/session/get_session_info", new { }, ct);
        Assert.Equal(1, again.GetProperty("uid").GetInt32());

        var created = await client.PostAsync("/web/dataset/call_kw/res.partner/create",
            new { model = "res.partner", method = "create", args = new object[] { new { name = "From the web" } }, kwargs = new { } }, ct);
        var rows = await client.PostAsync("/web/dataset/call_kw",
            new { model = "res.partner", method = "read", args = new object[] { new[] { created.GetInt32() } }, kwargs = new { fields = new[] { "name" } } }, ct);
        Assert.Equal("From the web", rows[0].GetProperty("name").GetString());

        await client.PostAsync("/web/session/destroy", new { }, ct);
        var expired = await Assert.ThrowsAsync<JsonRpcError>(() => client.PostAsync("/web/session/get_session_info", new { }, ct));
        Assert.Equal(100, expired.Code);
        await client.CallAsync("db", "drop", [fixture.MasterPassword, db], ct);
    }

    [Fact]
    public async Task A_session_from_one_node_is_accepted_by_another_sharing_the_data_directory()
    {
        var ct = TestContext.Current.CancellationToken;
        using var first = new JsonRpcClient(fixture.Url);
        var db = fixture.NewDatabaseName("nodes");
        await first.CallAsync("db", "create_database", [fixture.MasterPassword, db, false, "en_US", "node-secret"], ct);
        await first.PostAsync("/web/session/authenticate", new { db, login = "admin", password = "node-secret" }, ct);
        var cookie = Assert.Single(first.Cookies.GetCookies(new Uri(fixture.Url)));

        // A second node: its own process on the same data directory (same keys, same databases).
        var arguments = fixture.Backend == Storage.DatabaseBackend.Postgres
            ? new[] { "--portal-db", fixture.PortalDatabase, "--db-backend", "postgres", "--pg", await TestPostgres.ConnectionStringAsync(ct) }
            : new[] { "--portal-db", fixture.PortalDatabase };
        await using var secondNode = await ServerProcess.StartAsync(fixture.Server.DataDirectory, arguments, ct);
        using var second = new JsonRpcClient(secondNode.Url);
        second.Cookies.Add(new Uri(secondNode.Url), new System.Net.Cookie(cookie.Name, cookie.Value));

        var info = await second.PostAsync("/web/session/get_session_info", new { }, ct);

        Assert.Equal(db, info.GetProperty("db").GetString());
        Assert.Equal(1, info.GetProperty("uid").GetInt32());
        await first.CallAsync("db", "drop", [fixture.MasterPassword, db], ct);
    }
}
