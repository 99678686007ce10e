using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Npgsql;

namespace SaasPortal.Cluster.Tests;

/// <summary>
/// Nothing a client holds is tied to the node that made it: every tenant answers on every node and through the
/// proxy, an Odoo web session and a page session made on one node work on the other, and an SSO login started on one
/// node completes on the other, its code redeeming once across both.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class NodeIndependenceTests(ClusterFixture cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_tenant_answers_through_either_node_and_through_the_proxy()
    {
        using var rpc = new Rpc();
        foreach (var tenant in cluster.Tenants)
        {
            foreach (var url in new[] { cluster.A.Url, cluster.B.Url, cluster.Proxy.Url })
            {
                var owner = await rpc.LoginAsync(url, tenant, ClusterFixture.OwnerLogin, ClusterFixture.OwnerPassword, Ct);
                var users = await rpc.ExecuteAsync(url, owner, "res.users", "search_read",
                    [new JsonArray(new JsonArray("login", "=", ClusterFixture.OwnerLogin))], new JsonObject { ["fields"] = new JsonArray("login") }, Ct);
                Assert.Equal([ClusterFixture.OwnerLogin], Json.Items(users).Select(u => Json.Text(u["login"])));
            }
        }

        // The portal's client list is the same from both nodes.
        var fromA = await rpc.ExecuteAsync(cluster.A.Url, cluster.Admin, "saas_portal.client", "search_read", [new JsonArray()],
            new JsonObject { ["fields"] = new JsonArray("name"), ["order"] = "name" }, Ct);
        var fromB = await rpc.ExecuteAsync(cluster.B.Url, cluster.Admin, "saas_portal.client", "search_read", [new JsonArray()],
            new JsonObject { ["fields"] = new JsonArray("name"), ["order"] = "name" }, Ct);
        Assert.Equal(cluster.Tenants, Json.Items(fromA).Select(c => Json.Text(c["name"])));
        Assert.Equal(fromA!.ToJsonString(), fromB!.ToJsonString());
    }

    [Fact]
    public async Task Tenants_live_on_two_postgresql_clusters_each_only_on_its_own()
    {
        var onFirst = await DatabasesAsync(cluster.Postgres);
        var onSecond = await DatabasesAsync(cluster.SecondPostgres);
        Assert.Contains(cluster.Tenants[0], onFirst);
        Assert.DoesNotContain(cluster.Tenants[0], onSecond);
        Assert.Contains(cluster.Tenants[1], onSecond);
        Assert.DoesNotContain(cluster.Tenants[1], onFirst);
    }

    [Fact]
    public async Task A_web_session_made_on_one_node_works_on_the_other()
    {
        using var browser = new Rpc();
        var tenant = cluster.Tenants[0];
        var session = await browser.PostAsync(cluster.A.Url + "/web/session/authenticate",
            new JsonObject { ["db"] = tenant, ["login"] = ClusterFixture.OwnerLogin, ["password"] = ClusterFixture.OwnerPassword }, Ct);
        var uid = Json.Int(session!["uid"]);

        var info = await browser.PostAsync(cluster.B.Url + "/web/session/get_session_info", [], Ct);
        Assert.Equal(uid, Json.Int(info!["uid"]));
        Assert.Equal(tenant, Json.Text(info["db"]));
        var count = await browser.PostAsync(cluster.B.Url + "/web/dataset/call_kw", new JsonObject
        {
            ["model"] = "res.users", ["method"] = "search_count", ["args"] = new JsonArray(new JsonArray()), ["kwargs"] = new JsonObject(),
        }, Ct);
        Assert.True(Json.Int(count) >= 1);
    }

    [Fact]
    public async Task An_sso_login_started_on_one_node_completes_on_the_other_and_its_code_redeems_once_across_both()
    {
        using var browser = new Rpc();
        var tenant = cluster.Tenants[1];
        var tenantPath = "/t/" + tenant;

        // A starts the flow: state and verifier go into the flow cookie, the browser goes to the portal (the proxy's URL).
        var start = await GetAsync(browser, cluster.A.Url + tenantPath + "/saas_client/login");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var authorize = start.Headers.Location!;
        Assert.StartsWith(cluster.Proxy.Url + "/oauth2/auth?", authorize.AbsoluteUri, StringComparison.Ordinal);

        // The portal login form comes from A and is posted to B: the antiforgery pair is node-independent too.
        var form = await (await GetAsync(browser, cluster.A.Url + "/web/login")).Content.ReadAsStringAsync(Ct);
        var token = AntiforgeryToken().Match(form);
        Assert.True(token.Success, "no antiforgery field on the login form");
        using var credentials = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["login"] = ClusterFixture.OwnerLogin,
            ["password"] = ClusterFixture.OwnerPortalPassword,
        });
        using var login = await browser.Http.PostAsync(cluster.B.Url + "/web/login", credentials, Ct);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);

        // B authorizes and sends the browser back to the tenant's callback with a code.
        var code = await GetAsync(browser, cluster.B.Url + authorize.PathAndQuery);
        Assert.Equal(HttpStatusCode.Redirect, code.StatusCode);
        var callback = code.Headers.Location!;
        Assert.StartsWith(cluster.Proxy.Url + tenantPath + "/saas_client/callback?code=", callback.AbsoluteUri, StringComparison.Ordinal);

        // A redeems the code B issued, with the verifier its own flow cookie holds, and signs the owner in.
        var flowCookies = browser.Cookies.GetCookies(new Uri(cluster.A.Url + tenantPath + "/saas_client/callback"));
        var done = await GetAsync(browser, cluster.A.Url + callback.PathAndQuery);
        Assert.True(done.StatusCode == HttpStatusCode.Redirect, $"callback answered {(int)done.StatusCode}\n{cluster.Logs()}");
        Assert.EndsWith(tenantPath + "/web", done.Headers.Location!.OriginalString, StringComparison.Ordinal);

        // The tenant session made on A opens the tenant's home page on B.
        var home = await GetAsync(browser, cluster.B.Url + tenantPath + "/web");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains(tenant, await home.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        // Replayed on B with the same flow cookie (state and verifier), the used code is refused: A recorded it in the portal.
        using var replayer = new Rpc();
        foreach (Cookie cookie in flowCookies)
        {
            replayer.Cookies.Add(cookie);
        }

        Assert.NotEmpty(flowCookies);
        var replay = await GetAsync(replayer, cluster.B.Url + callback.PathAndQuery);
        Assert.NotEqual(HttpStatusCode.Redirect, replay.StatusCode);
        Assert.Contains("already used", await replay.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    private async Task<List<string>> DatabasesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT datname FROM pg_database WHERE starts_with(datname, $1)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = cluster.Prefix });
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private static async Task<HttpResponseMessage> GetAsync(Rpc browser, string url) => await browser.Http.GetAsync(url, Ct);

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex AntiforgeryToken();
}
