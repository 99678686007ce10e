using System.Net;

namespace SaasPortal.Web.Tests;

/// <summary>Forms, sessions and pages of the portal and the tenants, over real HTTP.</summary>
[Collection(WebCollection.Name)]
public sealed class PageTests(WebServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/web/login")]
    [InlineData("/web/signup")]
    [InlineData("/web/logout")]
    [InlineData("/my/databases/new")]
    [InlineData("/console/clients/1/suspend")]
    public async Task Form_post_without_antiforgery_token_is_refused(string path)
    {
        using var browser = new WebClient();
        // The browser holds the antiforgery cookie; only the form's token is missing, as in a cross-site post.
        await browser.GetAsync(server.Url + "/web/login", Ct);

        var page = await browser.PostAsync(server.Url + path, new Dictionary<string, string>
        {
            ["login"] = WebServerFixture.AdminLogin, ["password"] = WebServerFixture.AdminPassword, ["name"] = "x", ["confirm_password"] = "x",
        }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.DoesNotContain(browser.Cookies.GetAllCookies(), c => c.Name == "saasportal_portal");
    }

    [Fact]
    public async Task Antiforgery_token_of_another_browser_is_refused()
    {
        using var victim = new WebClient();
        using var attacker = new WebClient();
        var attackerForm = await attacker.GetAsync(server.Url + "/web/login", Ct);
        var token = attackerForm.Document.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        await victim.GetAsync(server.Url + "/web/login", Ct);

        var page = await victim.PostAsync(server.Url + "/web/login", new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["login"] = WebServerFixture.AdminLogin, ["password"] = WebServerFixture.AdminPassword,
        }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
    }

    [Fact]
    public async Task Tenant_form_post_without_antiforgery_token_is_refused()
    {
        var customer = await Customers.SignUpAsync(server, "csrf", Ct);
        var database = server.NewTenantName("csrf");
        await Customers.CreateDatabaseAsync(server, customer, database, Ct);
        var home = await customer.Browser.BrowseAsync(server.TenantUrl(database) + "/saas_client/login", Ct);
        Assert.Equal(HttpStatusCode.OK, home.Status);

        var logout = await customer.Browser.PostAsync(server.TenantUrl(database) + "/web/logout", [], Ct);

        Assert.Equal(HttpStatusCode.BadRequest, logout.Status);
        Assert.Equal(HttpStatusCode.OK, (await customer.Browser.GetAsync(server.TenantUrl(database) + "/web", Ct)).Status);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("http:/evil.example")]
    [InlineData("javascript:alert(1)")]
    public async Task Login_return_url_to_another_site_lands_on_my_databases(string redirect)
    {
        using var browser = new WebClient();
        var form = await browser.GetAsync(server.Url + "/web/login?redirect=" + Uri.EscapeDataString(redirect), Ct);

        var done = await browser.SubmitAsync(form, "form[action='/web/login']", new Dictionary<string, string>
        {
            ["login"] = WebServerFixture.AdminLogin, ["password"] = WebServerFixture.AdminPassword, ["redirect"] = redirect,
        }, Ct);

        Assert.Equal(HttpStatusCode.Redirect, done.Status);
        Assert.Equal(server.Url + "/my/databases", done.Location!.AbsoluteUri);
    }

    [Fact]
    public async Task Login_return_url_on_this_site_is_followed()
    {
        using var browser = new WebClient();
        var form = await browser.GetAsync(server.Url + "/web/login?redirect=%2Fmy%2Fdatabases%2Fnew", Ct);

        var done = await browser.SubmitAsync(form, "form[action='/web/login']", new Dictionary<string, string>
        {
            ["login"] = WebServerFixture.AdminLogin, ["password"] = WebServerFixture.AdminPassword,
        }, Ct);

        Assert.Equal(server.Url + "/my/databases/new", done.Location!.AbsoluteUri);
    }

    [Fact]
    public async Task Portal_password_on_the_tenant_login_page_fails_with_a_message()
    {
        var customer = await Customers.SignUpAsync(server, "pwd", Ct);
        var database = server.NewTenantName("pwd");
        await Customers.CreateDatabaseAsync(server, customer, database, Ct);
        using var browser = new WebClient();
        var form = await browser.GetAsync(server.TenantUrl(database) + "/web/login", Ct);
        Assert.Contains("Log in via SaaS Portal", form.Body, StringComparison.Ordinal);

        var refused = await browser.SubmitAsync(form, "form[action='/web/login']", new Dictionary<string, string>
        {
            ["login"] = customer.Login, ["password"] = customer.Password,
        }, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Equal("Wrong login/password", refused.Alert);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync(server.TenantUrl(database) + "/web", Ct)).Status);
    }

    [Fact]
    public async Task Tenant_pages_are_reachable_under_the_path_prefix_with_their_own_session()
    {
        var customer = await Customers.SignUpAsync(server, "prefix", Ct);
        var database = server.NewTenantName("prefix");
        await Customers.CreateDatabaseAsync(server, customer, database, Ct);

        var home = await customer.Browser.BrowseAsync($"{server.Url}/t/{database}/saas_client/login", Ct);

        Assert.Equal(HttpStatusCode.OK, home.Status);
        Assert.Equal($"{server.Url}/t/{database}/web", home.Url.AbsoluteUri);
        Assert.Contains("Welcome, Customer prefix.", home.Body, StringComparison.Ordinal);
        var cookie = customer.Browser.Cookies.GetAllCookies().Single(c => c.Name == "saasportal_tenant");
        Assert.Equal($"/t/{database}", cookie.Path);
        Assert.True(cookie.HttpOnly);
    }

    [Fact]
    public async Task Pages_forbid_scripts_framing_and_referrers()
    {
        using var browser = new WebClient();
        using var http = new HttpClient();
        using var response = await http.GetAsync(server.Url + "/", Ct);

        Assert.Equal("default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'",
            response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task Names_typed_by_users_are_escaped_in_pages()
    {
        var customer = await Customers.SignUpAsync(server, "<script>alert(1)</script>", Ct);

        var databases = await customer.Browser.GetAsync(server.Url + "/my/databases", Ct);

        Assert.DoesNotContain("<script>alert(1)</script>", databases.Body, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", databases.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Console_is_for_portal_managers_only()
    {
        var customer = await Customers.SignUpAsync(server, "nosy", Ct);

        var refused = await customer.Browser.GetAsync(server.Url + "/console/clients", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        using var anonymous = new WebClient();
        var toLogin = await anonymous.GetAsync(server.Url + "/console/clients", Ct);
        Assert.Equal("/web/login", toLogin.Location!.AbsolutePath);
    }

    [Fact]
    public async Task Suspend_from_the_console_shows_the_suspended_page_and_resume_reopens_home()
    {
        var customer = await Customers.SignUpAsync(server, "susp", Ct);
        var database = server.NewTenantName("susp");
        await Customers.CreateDatabaseAsync(server, customer, database, Ct);
        var home = await customer.Browser.BrowseAsync(server.TenantUrl(database) + "/saas_client/login", Ct);
        Assert.Equal(HttpStatusCode.OK, home.Status);
        using var admin = await Customers.AdminAsync(server, Ct);

        var search = await admin.GetAsync(server.Url + "/console/clients?q=" + Uri.EscapeDataString(database), Ct);
        var link = search.Document.QuerySelectorAll("tbody a").Single();
        Assert.Equal(database, link.TextContent);
        var client = await admin.GetAsync(new Uri(search.Url, link.GetAttribute("href")).AbsoluteUri, Ct);
        var suspended = await admin.FollowAsync(await admin.SubmitAsync(client, "form[action$='/suspend']", new Dictionary<string, string>(), Ct), Ct);
        Assert.Contains("suspended", suspended.Document.QuerySelector(".state")!.TextContent, StringComparison.Ordinal);

        var closed = await customer.Browser.GetAsync(server.TenantUrl(database) + "/web", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, closed.Status);
        Assert.Equal("This database is suspended", closed.Heading);

        await admin.SubmitAsync(suspended, "form[action$='/resume']", new Dictionary<string, string>(), Ct);
        var reopened = await customer.Browser.GetAsync(server.TenantUrl(database) + "/web", Ct);
        Assert.Equal(HttpStatusCode.OK, reopened.Status);
        Assert.Equal(database, reopened.Heading);
    }
}
