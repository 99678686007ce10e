using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace SaasPortal.Web.Tests;

/// <summary>
/// The customer's and the operator's story in headless Chromium (Debian's package; SAASPORTAL_CHROMIUM overrides the
/// path): every page is screenshotted into TestResults/screenshots beside the test binaries and checked with
/// axe-core, which must find no serious or critical violation.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class BrowserTests(WebServerFixture server)
{
    private static readonly string ScreenshotDirectory = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Customer_signs_up_creates_a_database_opens_it_via_the_portal_and_operator_suspends_and_resumes_it()
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        using var playwright = await Playwright.CreateAsync();
        await using var chromium = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("SAASPORTAL_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
        var customer = await (await chromium.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 } })).NewPageAsync();
        var login = $"browser-{Guid.NewGuid():N}@example.com";
        const string password = "a long portal password";
        var database = server.NewTenantName("browser");

        await customer.GotoAsync(server.Url + "/");
        await CheckAsync(customer, "01-landing");
        await customer.GetByRole(AriaRole.Link, new() { Name = "Sign up" }).ClickAsync();
        await customer.GetByLabel("Your name").FillAsync("Browser Customer");
        await customer.GetByLabel("E-mail").FillAsync(login);
        await customer.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await customer.GetByLabel("Confirm password").FillAsync(password);
        await CheckAsync(customer, "02-signup");
        await customer.GetByRole(AriaRole.Button, new() { Name = "Create my account" }).ClickAsync();
        await Assertions.Expect(customer.GetByRole(AriaRole.Heading, new() { Name = "My databases" })).ToBeVisibleAsync();
        await CheckAsync(customer, "03-my-databases-empty");

        await customer.GetByRole(AriaRole.Main).GetByRole(AriaRole.Link, new() { Name = "New database" }).ClickAsync();
        await customer.GetByLabel("Database name").FillAsync(database);
        await CheckAsync(customer, "04-new-database");
        await customer.GetByRole(AriaRole.Button, new() { Name = "Create database" }).ClickAsync();
        await Assertions.Expect(customer.GetByRole(AriaRole.Status)).ToHaveTextAsync($"Database {database} is ready.");
        await CheckAsync(customer, "05-my-databases");

        // "Open" goes through the tenant's "Log in via SaaS Portal": the portal session signs the owner in.
        await customer.GetByRole(AriaRole.Link, new() { Name = "Open " + database }).ClickAsync();
        await Assertions.Expect(customer).ToHaveURLAsync(server.TenantUrl(database) + "/web");
        await Assertions.Expect(customer.GetByText("Welcome, Browser Customer.")).ToBeVisibleAsync();
        await CheckAsync(customer, "06-tenant-home");

        await customer.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await Assertions.Expect(customer).ToHaveURLAsync(server.TenantUrl(database) + "/web/login");
        await customer.GetByLabel("Login").FillAsync(login);
        await customer.GetByLabel("Password").FillAsync(password);
        await customer.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
        await Assertions.Expect(customer.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Wrong login/password");
        await CheckAsync(customer, "07-tenant-login-portal-password-refused");

        await customer.GetByRole(AriaRole.Link, new() { Name = "Log in via SaaS Portal" }).ClickAsync();
        await Assertions.Expect(customer).ToHaveURLAsync(server.TenantUrl(database) + "/web");

        var operatorPage = await (await chromium.NewContextAsync()).NewPageAsync();
        await operatorPage.GotoAsync(server.Url + "/web/login");
        await operatorPage.GetByLabel("E-mail or login").FillAsync(WebServerFixture.AdminLogin);
        await operatorPage.GetByLabel("Password").FillAsync(WebServerFixture.AdminPassword);
        await operatorPage.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
        await operatorPage.GetByRole(AriaRole.Link, new() { Name = "Console" }).ClickAsync();
        await operatorPage.GetByLabel("Search by database name or client id").FillAsync(database);
        await operatorPage.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await CheckAsync(operatorPage, "08-console-clients");
        await operatorPage.GetByRole(AriaRole.Link, new() { Name = database }).ClickAsync();
        await operatorPage.GetByRole(AriaRole.Button, new() { Name = "Suspend" }).ClickAsync();
        await Assertions.Expect(operatorPage.GetByRole(AriaRole.Button, new() { Name = "Resume" })).ToBeVisibleAsync();
        await CheckAsync(operatorPage, "09-console-client-suspended");

        await customer.ReloadAsync();
        await Assertions.Expect(customer.GetByRole(AriaRole.Heading, new() { Name = "This database is suspended" })).ToBeVisibleAsync();
        await CheckAsync(customer, "10-tenant-suspended");

        await operatorPage.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await Assertions.Expect(operatorPage.GetByRole(AriaRole.Button, new() { Name = "Suspend" })).ToBeVisibleAsync();
        await customer.ReloadAsync();
        await Assertions.Expect(customer.GetByText("Welcome, Browser Customer.")).ToBeVisibleAsync();

        // A token issued more than an hour ago opens nothing.
        var anonymous = await (await chromium.NewContextAsync()).NewPageAsync();
        await anonymous.GotoAsync(await TokenForge.UrlAsync(server, database, new TokenForge.ShiftedTime(-TimeSpan.FromHours(2))));
        await Assertions.Expect(anonymous.GetByRole(AriaRole.Alert)).ToContainTextAsync("has expired");
        await CheckAsync(anonymous, "11-expired-token-refused");
    }

    /// <summary>Keeps a full-page screenshot and fails on any serious or critical axe-core violation.</summary>
    private static async Task CheckAsync(IPage page, string name)
    {
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });
        var results = await page.RunAxe();
        var serious = results.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"{name} ({page.Url}): " + string.Join("; ", serious.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html))}")));
    }
}
