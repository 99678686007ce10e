using System.Net;

namespace SaasPortal.Web.Tests;

/// <summary>A customer who signed up on the portal pages, with a browser session there.</summary>
public sealed record Customer(WebClient Browser, string Login, string Password);

/// <summary>Steps every test needs, done through the pages themselves.</summary>
public static class Customers
{
    public const string Password = "a long portal password";

    /// <summary>Signs a new customer up through the sign-up form; the browser stays signed in to the portal.</summary>
    public static async Task<Customer> SignUpAsync(WebServerFixture server, string hint, CancellationToken cancellationToken)
    {
        var browser = new WebClient();
        var login = $"{hint}-{Guid.NewGuid():N}@example.com";
        var form = await browser.GetAsync(server.Url + "/web/signup", cancellationToken);
        var signedUp = await browser.SubmitAsync(form, "form[action='/web/signup']", new Dictionary<string, string>
        {
            ["name"] = "Customer " + hint, ["login"] = login, ["password"] = Password, ["confirm_password"] = Password,
        }, cancellationToken);
        Assert.True(signedUp.Status == HttpStatusCode.Redirect, $"sign-up failed: {signedUp.Status} {signedUp.Alert}");
        return new Customer(browser, login, Password);
    }

    /// <summary>Creates a database through "New database"; returns once "My databases" lists it.</summary>
    public static async Task CreateDatabaseAsync(WebServerFixture server, Customer customer, string database, CancellationToken cancellationToken)
    {
        var form = await customer.Browser.GetAsync(server.Url + "/my/databases/new", cancellationToken);
        var created = await customer.Browser.SubmitAsync(form, "form[action='/my/databases/new']",
            new Dictionary<string, string> { ["plan_id"] = "1", ["dbname"] = database }, cancellationToken);
        Assert.True(created.Status == HttpStatusCode.Redirect, $"creation failed: {created.Status} {created.Alert}");
        var list = await customer.Browser.FollowAsync(created, cancellationToken);
        Assert.Contains(database, list.Document.QuerySelector("table")?.TextContent ?? "", StringComparison.Ordinal);
    }

    /// <summary>A signed-in browser of the portal administrator.</summary>
    public static async Task<WebClient> AdminAsync(WebServerFixture server, CancellationToken cancellationToken)
    {
        var browser = new WebClient();
        var form = await browser.GetAsync(server.Url + "/web/login", cancellationToken);
        var done = await browser.SubmitAsync(form, "form[action='/web/login']", new Dictionary<string, string>
        {
            ["login"] = WebServerFixture.AdminLogin, ["password"] = WebServerFixture.AdminPassword,
        }, cancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, done.Status);
        return browser;
    }
}
