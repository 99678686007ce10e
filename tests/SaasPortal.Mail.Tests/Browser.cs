using System.Net;
using System.Text.RegularExpressions;
using SaasPortal.Testing;

namespace SaasPortal.Mail.Tests;

/// <summary>
/// A browser without JavaScript: one cookie jar for the portal and tenant hosts (every host is connected to the
/// loopback, as browsers do for *.localhost), no automatic redirects, and form posts that carry the page's
/// antiforgery token.
/// </summary>
public sealed partial class Browser : IDisposable
{
    private readonly HttpClient _http;

    public Browser()
    {
        var handler = LoopbackHttp.CreateHandler(new CookieContainer());
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(120) };
    }

    /// <summary>GET: status, redirect target and body.</summary>
    public async Task<(HttpStatusCode Status, Uri? Location, string Body)> GetAsync(string url)
    {
        using var response = await _http.GetAsync(url, TestContext.Current.CancellationToken);
        return (response.StatusCode, Location(response), await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>Loads the form page at <paramref name="pageUrl"/> and posts <paramref name="fields"/> with its antiforgery token to <paramref name="action"/>.</summary>
    public async Task<(HttpStatusCode Status, Uri? Location, string Body)> SubmitAsync(string pageUrl, string action, params (string Name, string Value)[] fields)
    {
        var page = await GetAsync(pageUrl);
        var token = AntiforgeryToken().Match(page.Body);
        Assert.True(token.Success, $"no antiforgery field on {pageUrl}: {page.Status}");
        var form = new List<KeyValuePair<string, string>> { new(token.Groups[1].Value, WebUtility.HtmlDecode(token.Groups[2].Value)) };
        form.AddRange(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
        using var content = new FormUrlEncodedContent(form);
        using var response = await _http.PostAsync(new Uri(new Uri(pageUrl), action), content, TestContext.Current.CancellationToken);
        return (response.StatusCode, Location(response), await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private static Uri? Location(HttpResponseMessage response) =>
        response.Headers.Location is { } location ? location.IsAbsoluteUri ? location : new Uri(response.RequestMessage!.RequestUri!, location) : null;

    [GeneratedRegex("""<input type="hidden" name="(__RequestVerificationToken[^"]*)" value="([^"]*)">""")]
    private static partial Regex AntiforgeryToken();
}
