using System.Net;
using SaasPortal.Security.Tests.Support;
using SaasPortal.Testing;

namespace SaasPortal.Security.Tests.Isolation;

/// <summary>
/// A customer with valid credentials on tenant A tries tenant B through every route the server has: RPC naming B,
/// guessed uids, A's web-session cookie sent to B's host, a session on B with A's password. All are refused or
/// stay on A. On the portal, a customer never sees another customer's saas_portal.client or res.partner.
/// </summary>
public abstract class TenantIsolationTests(ServerFixture fixture)
{
    private const string PortalAdminPassword = "admin";

    [Fact]
    public async Task A_user_of_one_tenant_reaches_no_data_of_another_by_any_route()
    {
        var ct = TestContext.Current.CancellationToken;
        using var rpc = new JsonRpcCaller(fixture.Url);
        var a = await NewTenantAsync(rpc, "iso-a", ct);
        var b = await NewTenantAsync(rpc, "iso-b", ct);
        var secret = "Secret of B " + Guid.NewGuid().ToString("N");
        await rpc.ExecuteKwAsync(b.Database, 1, PortalAdminPassword, "res.partner", "create", [new Dictionary<string, object?> { ["name"] = secret }], null, ct);

        // RPC naming B with A's uid and password, and every uid B might have.
        Assert.Equal(false, await rpc.CallAsync("common", "authenticate", [b.Database, a.Login, a.Password, new Dictionary<string, object?>()], ct));
        for (var uid = 1; uid <= 12; uid++)
        {
            var fault = await Assert.ThrowsAsync<RpcFault>(() =>
                rpc.ExecuteKwAsync(b.Database, uid, a.Password, "res.partner", "search_read", [new List<object?>()], new() { ["fields"] = new List<object?> { "name" } }, ct));
            Assert.Contains("AccessDenied", fault.Text, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, fault.Text, StringComparison.Ordinal);
        }

        // A web session of A, sent to B's host and asking for B in every parameter it could: it stays on A.
        using var web = new JsonRpcCaller(fixture.Url);
        await web.PostAsync("/web/session/authenticate", new() { ["db"] = a.Database, ["login"] = a.Login, ["password"] = a.Password }, ct);
        var info = Assert.IsType<Dictionary<string, object?>>(await web.PostAsync("/web/session/get_session_info", [], ct, host: b.Database));
        Assert.Equal(a.Database, info["db"]);
        var seen = await web.PostAsync("/web/dataset/call_kw/res.partner/search_read", new()
        {
            ["model"] = "res.partner",
            ["method"] = "search_read",
            ["db"] = b.Database,
            ["args"] = new List<object?> { new List<object?>() },
            ["kwargs"] = new Dictionary<string, object?> { ["fields"] = new List<object?> { "name" }, ["context"] = new Dictionary<string, object?> { ["db"] = b.Database } },
        }, ct, host: b.Database);
        Assert.DoesNotContain(secret, WireText(seen), StringComparison.Ordinal);

        // A session on B with A's password is refused, and a tampered cookie is no session at all.
        using var intruder = new JsonRpcCaller(fixture.Url);
        var refused = await Assert.ThrowsAsync<RpcFault>(() =>
            intruder.PostAsync("/web/session/authenticate", new() { ["db"] = b.Database, ["login"] = a.Login, ["password"] = a.Password }, ct));
        Assert.Contains("AccessDenied", refused.Text, StringComparison.Ordinal);
        var cookie = web.Cookies.GetCookies(new Uri(fixture.Url))["session_id"]!;
        var tampered = new CookieContainer();
        tampered.Add(new Uri(fixture.Url), new Cookie("session_id", Tamper(cookie.Value)));
        using var forger = new JsonRpcCaller(fixture.Url, tampered);
        var expired = await Assert.ThrowsAsync<RpcFault>(() => forger.PostAsync("/web/session/get_session_info", [], ct));
        Assert.Equal(100, expired.Code);
    }

    [Fact]
    public async Task Portal_customers_see_only_their_own_clients_and_partners()
    {
        var ct = TestContext.Current.CancellationToken;
        using var rpc = new JsonRpcCaller(fixture.Url);
        var a = await NewTenantAsync(rpc, "own-a", ct);
        var b = await NewTenantAsync(rpc, "own-b", ct);

        Task<object?> AsCustomerA(string model, string method, object?[] args, Dictionary<string, object?>? kwargs = null) =>
            rpc.ExecuteKwAsync(fixture.PortalDatabase, a.PortalUid, a.PortalPassword, model, method, args, kwargs, ct);

        var clients = Assert.IsType<List<object?>>(await AsCustomerA("saas_portal.client", "search", [new List<object?>()],
            new() { ["context"] = new Dictionary<string, object?> { ["active_test"] = false } }));
        Assert.Contains(a.ClientRecord, clients);
        Assert.DoesNotContain(b.ClientRecord, clients);
        await Assert.ThrowsAsync<RpcFault>(() => AsCustomerA("saas_portal.client", "read", [new List<object?> { b.ClientRecord }]));
        await Assert.ThrowsAsync<RpcFault>(() => AsCustomerA("saas_portal.client", "write", [new List<object?> { b.ClientRecord }, new Dictionary<string, object?> { ["name"] = "mine" }]));

        var partners = Assert.IsType<List<object?>>(await AsCustomerA("res.partner", "search", [new List<object?>()],
            new() { ["context"] = new Dictionary<string, object?> { ["active_test"] = false } }));
        Assert.DoesNotContain(b.PortalPartner, partners);
        await Assert.ThrowsAsync<RpcFault>(() => AsCustomerA("res.partner", "read", [new List<object?> { b.PortalPartner }, new List<object?> { "name", "email" }]));
        var found = await AsCustomerA("res.partner", "name_search", [b.Login]);
        Assert.DoesNotContain(b.Login, WireText(found), StringComparison.Ordinal);
    }

    private sealed record Tenant(string Database, string Login, string Password, int PortalUid, string PortalPassword, int ClientRecord, int PortalPartner);

    /// <summary>A customer signed up on the portal and the tenant the portal's administrator sold them.</summary>
    private async Task<Tenant> NewTenantAsync(JsonRpcCaller rpc, string hint, CancellationToken ct)
    {
        var database = fixture.NewDatabaseName(hint);
        var login = database + "@example.com";
        var portalPassword = "portal password " + database;
        var ownerPassword = "owner password " + database;
        await rpc.ExecuteKwAsync(fixture.PortalDatabase, 1, PortalAdminPassword, "res.users", "signup",
            [new Dictionary<string, object?> { ["login"] = login, ["name"] = "Customer " + hint, ["password"] = portalPassword }], null, ct);
        var portalUid = Assert.IsType<int>(await rpc.CallAsync("common", "authenticate", [fixture.PortalDatabase, login, portalPassword, new Dictionary<string, object?>()], ct));
        var created = Assert.IsType<Dictionary<string, object?>>(await rpc.ExecuteKwAsync(fixture.PortalDatabase, 1, PortalAdminPassword,
            "saas_portal.plan", "create_new_database", [new List<object?> { 1 }],
            new() { ["dbname"] = database, ["user_id"] = portalUid, ["owner_password"] = ownerPassword }, ct));
        var users = Assert.IsType<List<object?>>(await rpc.ExecuteKwAsync(fixture.PortalDatabase, 1, PortalAdminPassword, "res.users", "read",
            [new List<object?> { portalUid }, new List<object?> { "partner_id" }], null, ct));
        var partner = Assert.IsType<List<object?>>(Assert.IsType<Dictionary<string, object?>>(Assert.Single(users))["partner_id"]);
        return new Tenant(database, login, ownerPassword, portalUid, portalPassword, Assert.IsType<int>(created["id"]), Assert.IsType<int>(partner[0]));
    }

    private static string Tamper(string value)
    {
        var chars = value.ToCharArray();
        var at = chars.Length / 2;
        chars[at] = chars[at] == 'A' ? 'B' : 'A';
        return new string(chars);
    }

    private static string WireText(object? value) => value switch
    {
        null => "",
        string s => s,
        IDictionary<string, object?> d => string.Join(",", d.Select(p => p.Key + "=" + WireText(p.Value))),
        System.Collections.IEnumerable e => string.Join(",", e.Cast<object?>().Select(WireText)),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}

[Collection(SqliteServerCollection.Name)]
public sealed class SqliteTenantIsolationTests(SqliteServerFixture fixture) : TenantIsolationTests(fixture);

[Collection(PostgresServerCollection.Name)]
public sealed class PostgresTenantIsolationTests(PostgresServerFixture fixture) : TenantIsolationTests(fixture);
