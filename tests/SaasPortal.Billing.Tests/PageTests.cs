using System.Net;
using System.Text.RegularExpressions;

namespace SaasPortal.Billing.Tests;

/// <summary>Billing on the web pages: the customer's Pay form on "My databases" and the operator's invoice list in the console.</summary>
[Collection(BillingCollection.Name)]
public sealed partial class PageTests(BillingServer portal)
{
    [Fact]
    public async Task Customer_pays_from_My_databases_and_the_operator_marks_a_transfer_paid_in_the_console()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await portal.NewTenantAsync("web", trial: false, ct);
        await portal.RunBillingJobAsync(ct);
        var invoice = Assert.Single(await tenant.InvoicesAsync(ct));
        var payPath = $"/my/invoices/{invoice["id"]}/pay";

        using var customer = new Browser(portal.Server.Url);
        await customer.LogInAsync(tenant.CustomerLogin, tenant.CustomerPassword, ct);
        var (status, mine) = await customer.GetAsync("/my/databases", ct);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains((string)invoice["name"]!, mine, StringComparison.Ordinal);
        Assert.Contains($"action=\"{payPath}\"", mine, StringComparison.Ordinal);

        var (manualStatus, _, instructions) = await customer.PostAsync(payPath, mine, new() { ["provider"] = "manual" }, ct);
        Assert.Equal(HttpStatusCode.OK, manualStatus);
        Assert.Contains("bank transfer, with " + (string)invoice["name"]!, WebUtility.HtmlDecode(instructions), StringComparison.Ordinal);

        var (stripeStatus, location, _) = await customer.PostAsync(payPath, mine, new() { ["provider"] = "stripe" }, ct);
        Assert.Equal(HttpStatusCode.Redirect, stripeStatus);
        Assert.StartsWith("https://checkout.stripe.test/c/pay/cs_test_", location, StringComparison.Ordinal);

        // A customer may not reach the console's action.
        var (refusedStatus, _, _) = await customer.PostAsync($"/console/invoices/{invoice["id"]}/paid", mine, [], ct);
        Assert.Equal(HttpStatusCode.Forbidden, refusedStatus);
        Assert.Equal("open", (await tenant.InvoicesAsync(ct))[0]["state"]);

        using var operatorBrowser = new Browser(portal.Server.Url);
        await operatorBrowser.LogInAsync("admin", BillingServer.AdminPassword, ct);
        var (_, console) = await operatorBrowser.GetAsync("/console/invoices?state=open", ct);
        var markPaid = $"/console/invoices/{invoice["id"]}/paid";
        Assert.Contains($"action=\"{markPaid}\"", console, StringComparison.Ordinal);

        var (markStatus, _, _) = await operatorBrowser.PostAsync(markPaid, console, [], ct);

        Assert.Equal(HttpStatusCode.Redirect, markStatus);
        Assert.Equal("paid", (await tenant.InvoicesAsync(ct))[0]["state"]);
        var (_, after) = await customer.GetAsync("/my/databases", ct);
        Assert.DoesNotContain($"action=\"{payPath}\"", after, StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    /// <summary>A cookie-keeping client that does not follow redirects, posting forms with the page's antiforgery token.</summary>
    private sealed class Browser : IDisposable
    {
        private readonly HttpClient _http;
        private readonly string _url;

        public Browser(string url)
        {
            _url = url;
            _http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { Timeout = TimeSpan.FromMinutes(1) };
        }

        public async Task LogInAsync(string login, string password, CancellationToken cancellationToken)
        {
            var (_, form) = await GetAsync("/web/login", cancellationToken);
            var (status, _, body) = await PostAsync("/web/login", form, new() { ["login"] = login, ["password"] = password }, cancellationToken);
            Assert.True(status == HttpStatusCode.Redirect, $"login of {login} failed: {status}\n{body}");
        }

        public async Task<(HttpStatusCode Status, string Body)> GetAsync(string path, CancellationToken cancellationToken)
        {
            using var response = await _http.GetAsync(_url + path, cancellationToken);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }

        /// <summary>POSTs <paramref name="fields"/> with the antiforgery token found on <paramref name="page"/>.</summary>
        public async Task<(HttpStatusCode Status, string? Location, string Body)> PostAsync(string path, string page, Dictionary<string, string> fields,
            CancellationToken cancellationToken)
        {
            fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(AntiforgeryToken().Match(page).Groups[1].Value);
            using var content = new FormUrlEncodedContent(fields);
            using var response = await _http.PostAsync(_url + path, content, cancellationToken);
            return (response.StatusCode, response.Headers.Location?.OriginalString, await response.Content.ReadAsStringAsync(cancellationToken));
        }

        public void Dispose() => _http.Dispose();
    }
}
