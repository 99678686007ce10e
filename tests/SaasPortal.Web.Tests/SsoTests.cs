using System.Net;
using System.Text.Json;
using System.Web;
using SaasPortal.Saas.Provisioning;
using SaasPortal.Web.Sso;

namespace SaasPortal.Web.Tests;

/// <summary>Single sign-on between the portal and its tenants, over real HTTP against the real server.</summary>
[Collection(WebCollection.Name)]
public sealed class SsoTests(WebServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Log_in_via_portal_signs_the_owner_into_the_tenant_home_page()
    {
        var customer = await Customers.SignUpAsync(server, "sso", Ct);
        var database = server.NewTenantName("home");
        await Customers.CreateDatabaseAsync(server, customer, database, Ct);

        var login = await customer.Browser.GetAsync(server.TenantUrl(database) + "/web/login", Ct);
        var button = login.Document.QuerySelectorAll("a").Single(a => a.TextContent.Trim() == "Log in via SaaS Portal");
        var home = await customer.Browser.BrowseAsync(new Uri(login.Url, button.GetAttribute("href")).AbsoluteUri, Ct);

        Assert.Equal(HttpStatusCode.OK, home.Status);
        Assert.Equal(server.TenantUrl(database) + "/web", home.Url.GetLeftPart(UriPartial.Path));
        Assert.Contains("Welcome, Customer sso.", home.Body, StringComparison.Ordinal);
        Assert.Contains(customer.Login, home.Document.QuerySelector("#users-title")!.ParentElement!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_new_database_url_opens_the_new_database_for_its_owner()
    {
        var customer = await Customers.SignUpAsync(server, "url", Ct);
        var database = server.NewTenantName("url");
        await Customers.CreateDatabaseAsync(server, customer, database, Ct);
        var url = await TokenForge.UrlAsync(server, database, TimeProvider.System);

        // A fresh browser: nobody is signed in anywhere, the token alone opens the database.
        using var browser = new WebClient();
        var landing = await browser.GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.Redirect, landing.Status);
        var home = await browser.FollowAsync(landing, Ct);
        Assert.Equal(HttpStatusCode.OK, home.Status);
        Assert.Contains("Welcome, Customer url.", home.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Access_token_for_one_tenant_is_refused_by_another()
    {
        var customer = await Customers.SignUpAsync(server, "ab", Ct);
        var a = server.NewTenantName("a");
        var b = server.NewTenantName("b");
        await Customers.CreateDatabaseAsync(server, customer, a, Ct);
        await Customers.CreateDatabaseAsync(server, customer, b, Ct);
        var tokenForA = HttpUtility.ParseQueryString(new Uri(await TokenForge.UrlAsync(server, a, TimeProvider.System)).Query)["access_token"]!;

        using var browser = new WebClient();
        var onB = await browser.GetAsync(server.TenantUrl(b) + "/saas_client/sso?access_token=" + Uri.EscapeDataString(tokenForA), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, onB.Status);
        Assert.Contains("issued for another database", onB.Alert, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync(server.TenantUrl(b) + "/web", Ct)).Status);

        var onA = await browser.GetAsync(server.TenantUrl(a) + "/saas_client/sso?access_token=" + Uri.EscapeDataString(tokenForA), Ct);
        Assert.Equal(HttpStatusCode.Redirect, onA.Status);
    }

    [Fact]
    public async Task Expired_or_forged_access_token_is_refused()
    {
        var customer = await Customers.SignUpAsync(server, "exp", Ct);
        var database = server.NewTenantName("exp");
        await Customers.CreateDatabaseAsync(server, customer, database, Ct);
        var expired = await TokenForge.UrlAsync(server, database, new TokenForge.ShiftedTime(-(AccessTokens.Lifetime + TimeSpan.FromMinutes(1))));
        var stillValid = await TokenForge.UrlAsync(server, database, new TokenForge.ShiftedTime(-(AccessTokens.Lifetime - TimeSpan.FromMinutes(5))));

        using var browser = new WebClient();
        var refused = await browser.GetAsync(expired, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Contains("has expired", refused.Alert, StringComparison.Ordinal);

        var forged = expired[..expired.LastIndexOf('.')] + ".AAAA";
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync(forged, Ct)).Status);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync(stillValid, Ct)).Status);
    }

    [Fact]
    public async Task Authorization_code_works_once_for_its_own_client_redirect_and_verifier()
    {
        var customer = await Customers.SignUpAsync(server, "code", Ct);
        var a = server.NewTenantName("ca");
        var b = server.NewTenantName("cb");
        await Customers.CreateDatabaseAsync(server, customer, a, Ct);
        await Customers.CreateDatabaseAsync(server, customer, b, Ct);
        var clientA = await ClientIdAsync(customer.Browser, a);
        var clientB = await ClientIdAsync(customer.Browser, b);
        var redirectA = server.TenantUrl(a) + AuthorizationServer.CallbackPath;
        var redirectB = server.TenantUrl(b) + AuthorizationServer.CallbackPath;
        var verifier = Pkce.NewVerifier();

        var authorized = await customer.Browser.GetAsync(AuthorizeUrl(clientA, redirectA, Pkce.Challenge(verifier), "s1"), Ct);
        Assert.Equal(HttpStatusCode.Redirect, authorized.Status);
        Assert.StartsWith(redirectA + "?", authorized.Location!.AbsoluteUri, StringComparison.Ordinal);
        var query = HttpUtility.ParseQueryString(authorized.Location.Query);
        Assert.Equal("s1", query["state"]);
        var code = query["code"]!;

        using var backChannel = new WebClient();
        async Task<(HttpStatusCode Status, JsonElement Body)> ExchangeAsync(string clientId, string redirectUri, string codeVerifier)
        {
            var response = await backChannel.PostAsync(server.Url + "/oauth2/token", new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code", ["code"] = code, ["client_id"] = clientId, ["redirect_uri"] = redirectUri, ["code_verifier"] = codeVerifier,
            }, Ct);
            return (response.Status, JsonDocument.Parse(response.Body).RootElement.Clone());
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await ExchangeAsync(clientB, redirectB, verifier)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await ExchangeAsync(clientA, redirectB, verifier)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await ExchangeAsync(clientA, redirectA, Pkce.NewVerifier())).Status);
        var (status, body) = await ExchangeAsync(clientA, redirectA, verifier);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3600, body.GetProperty("expires_in").GetInt32());
        var (replayed, error) = await ExchangeAsync(clientA, redirectA, verifier);
        Assert.Equal(HttpStatusCode.BadRequest, replayed);
        Assert.Equal("invalid_grant", error.GetProperty("error").GetString());

        // The token it gave opens A and only A.
        var token = Uri.EscapeDataString(body.GetProperty("access_token").GetString()!);
        using var browser = new WebClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync(server.TenantUrl(b) + "/saas_client/sso?access_token=" + token, Ct)).Status);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync(server.TenantUrl(a) + "/saas_client/sso?access_token=" + token, Ct)).Status);
    }

    [Fact]
    public async Task Code_for_tenant_A_replayed_on_tenant_B_callback_is_refused()
    {
        var customer = await Customers.SignUpAsync(server, "replay", Ct);
        var a = server.NewTenantName("ra");
        var b = server.NewTenantName("rb");
        await Customers.CreateDatabaseAsync(server, customer, a, Ct);
        await Customers.CreateDatabaseAsync(server, customer, b, Ct);

        // A's flow up to the code, not delivered to A.
        var toPortalA = await customer.Browser.GetAsync(server.TenantUrl(a) + "/saas_client/login", Ct);
        var codeForA = HttpUtility.ParseQueryString((await customer.Browser.GetAsync(toPortalA.Location!.AbsoluteUri, Ct)).Location!.Query)["code"]!;
        // B's own flow, so B holds a genuine state; its callback then receives A's code.
        var toPortalB = await customer.Browser.GetAsync(server.TenantUrl(b) + "/saas_client/login", Ct);
        var stateB = HttpUtility.ParseQueryString(toPortalB.Location!.Query)["state"]!;
        var refused = await customer.Browser.GetAsync(
            $"{server.TenantUrl(b)}/saas_client/callback?code={Uri.EscapeDataString(codeForA)}&state={stateB}", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Contains("authorization code is invalid", refused.Alert, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await customer.Browser.GetAsync(server.TenantUrl(b) + "/web", Ct)).Status);
    }

    [Theory]
    [InlineData("https://evil.example/saas_client/callback")]
    [InlineData("http://evil.localhost/saas_client/callback")]
    [InlineData("OTHER_TENANT")]
    [InlineData("OWN_TENANT/../evil")]
    public async Task Authorize_refuses_unregistered_redirect_uri_without_redirecting(string redirectUri)
    {
        var customer = await Customers.SignUpAsync(server, "redir", Ct);
        var own = server.NewTenantName("own");
        var other = server.NewTenantName("other");
        await Customers.CreateDatabaseAsync(server, customer, own, Ct);
        await Customers.CreateDatabaseAsync(server, customer, other, Ct);
        redirectUri = redirectUri
            .Replace("OTHER_TENANT", server.TenantUrl(other) + AuthorizationServer.CallbackPath, StringComparison.Ordinal)
            .Replace("OWN_TENANT", server.TenantUrl(own) + AuthorizationServer.CallbackPath, StringComparison.Ordinal);

        var page = await customer.Browser.GetAsync(
            AuthorizeUrl(await ClientIdAsync(customer.Browser, own), redirectUri, Pkce.Challenge(Pkce.NewVerifier()), "x"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Null(page.Location);
        Assert.Contains("redirect URI is not registered", page.Alert, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_without_pkce_or_for_an_unknown_client_issues_no_code()
    {
        var customer = await Customers.SignUpAsync(server, "pkce", Ct);
        var database = server.NewTenantName("pkce");
        await Customers.CreateDatabaseAsync(server, customer, database, Ct);
        var clientId = await ClientIdAsync(customer.Browser, database);
        var redirect = server.TenantUrl(database) + AuthorizationServer.CallbackPath;

        var noPkce = await customer.Browser.GetAsync(
            $"{server.Url}/oauth2/auth?response_type=code&client_id={clientId}&redirect_uri={Uri.EscapeDataString(redirect)}&state=s", Ct);
        Assert.Equal(HttpStatusCode.Redirect, noPkce.Status);
        Assert.Equal("invalid_request", HttpUtility.ParseQueryString(noPkce.Location!.Query)["error"]);
        Assert.Null(HttpUtility.ParseQueryString(noPkce.Location.Query)["code"]);

        var unknown = await customer.Browser.GetAsync(AuthorizeUrl(Guid.NewGuid().ToString(), redirect, Pkce.Challenge(Pkce.NewVerifier()), "s"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Null(unknown.Location);
    }

    [Fact]
    public async Task Another_customer_gets_no_code_for_a_database_they_do_not_own()
    {
        var owner = await Customers.SignUpAsync(server, "owner", Ct);
        var stranger = await Customers.SignUpAsync(server, "stranger", Ct);
        var database = server.NewTenantName("owned");
        await Customers.CreateDatabaseAsync(server, owner, database, Ct);
        var clientId = await ClientIdAsync(owner.Browser, database);

        var page = await stranger.Browser.GetAsync(
            AuthorizeUrl(clientId, server.TenantUrl(database) + AuthorizationServer.CallbackPath, Pkce.Challenge(Pkce.NewVerifier()), "s"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Null(page.Location);
        Assert.Contains("belongs to another account", page.Alert, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logout_ends_the_tenant_session()
    {
        var customer = await Customers.SignUpAsync(server, "logout", Ct);
        var database = server.NewTenantName("logout");
        await Customers.CreateDatabaseAsync(server, customer, database, Ct);
        var home = await customer.Browser.BrowseAsync(server.TenantUrl(database) + "/saas_client/login", Ct);
        Assert.Equal(HttpStatusCode.OK, home.Status);

        var loggedOut = await customer.Browser.SubmitAsync(home, "form[action='/web/logout']", new Dictionary<string, string>(), Ct);
        Assert.Equal(server.TenantUrl(database) + "/web/login", loggedOut.Location!.AbsoluteUri);
        var again = await customer.Browser.GetAsync(server.TenantUrl(database) + "/web", Ct);
        Assert.Equal(HttpStatusCode.Redirect, again.Status);
        Assert.EndsWith("/web/login", again.Location!.AbsolutePath, StringComparison.Ordinal);
    }

    private string AuthorizeUrl(string clientId, string redirectUri, string challenge, string state) =>
        $"{server.Url}/oauth2/auth?response_type=code&client_id={Uri.EscapeDataString(clientId)}&redirect_uri={Uri.EscapeDataString(redirectUri)}"
        + $"&code_challenge={challenge}&code_challenge_method=S256&state={state}";

    /// <summary>The tenant's OAuth client id, as its "Log in via SaaS Portal" redirect names it.</summary>
    private async Task<string> ClientIdAsync(WebClient browser, string database)
    {
        var start = await browser.GetAsync(server.TenantUrl(database) + "/saas_client/login", Ct);
        return HttpUtility.ParseQueryString(start.Location!.Query)["client_id"]!;
    }

}
