using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using SaasPortal.Testing;

namespace SaasPortal.Web.Tests;

/// <summary>A response and, for HTML, its parsed document.</summary>
public sealed record WebPage(HttpStatusCode Status, Uri Url, Uri? Location, IHtmlDocument Document, string Body)
{
    /// <summary>The text of the page's alert, if any.</summary>
    public string? Alert => Document.QuerySelector("[role=alert]")?.TextContent.Trim();

    /// <summary>The page's main heading.</summary>
    public string? Heading => Document.QuerySelector("h1")?.TextContent.Trim();
}

/// <summary>
/// A browser without JavaScript: one cookie jar across the portal and tenant hosts, redirects followed only when
/// asked (so tests see each hop), and every <c>*.localhost</c> host connected to the test server on 127.0.0.1.
/// </summary>
public sealed class WebClient : IDisposable
{
    private static readonly HtmlParser Parser = new();
    private readonly HttpClient _http;

    public WebClient()
    {
        Cookies = new CookieContainer();
        var handler = LoopbackHttp.CreateHandler(Cookies);
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>The jar shared by all hosts.</summary>
    public CookieContainer Cookies { get; }

    /// <summary>GET without following redirects.</summary>
    public async Task<WebPage> GetAsync(string url, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(url, cancellationToken);
        return await ReadAsync(response, cancellationToken);
    }

    /// <summary>GET, following redirects up to the first page that is not one.</summary>
    public async Task<WebPage> BrowseAsync(string url, CancellationToken cancellationToken)
    {
        var page = await GetAsync(url, cancellationToken);
        for (var hops = 0; page.Location is { } next && hops < 10; hops++)
        {
            page = await GetAsync(next.AbsoluteUri, cancellationToken);
        }

        return page;
    }

    /// <summary>POSTs form fields as a browser would, without following the redirect.</summary>
    public async Task<WebPage> PostAsync(string url, IEnumerable<KeyValuePair<string, string>> fields, CancellationToken cancellationToken)
    {
        using var content = new FormUrlEncodedContent(fields);
        using var response = await _http.PostAsync(url, content, cancellationToken);
        return await ReadAsync(response, cancellationToken);
    }

    /// <summary>
    /// Submits the form of <paramref name="page"/> matched by <paramref name="selector"/>: its hidden fields (the
    /// antiforgery token among them) plus <paramref name="values"/>, to its action.
    /// </summary>
    public Task<WebPage> SubmitAsync(WebPage page, string selector, IReadOnlyDictionary<string, string> values, CancellationToken cancellationToken)
    {
        var form = page.Document.QuerySelector(selector) as IHtmlFormElement
            ?? throw new InvalidOperationException($"No form '{selector}' on {page.Url}:\n{page.Body}");
        var fields = form.QuerySelectorAll("input[type=hidden]").OfType<IHtmlInputElement>()
            .Where(input => !values.ContainsKey(input.Name!))
            .Select(input => KeyValuePair.Create(input.Name!, input.Value))
            .Concat(values)
            .ToList();
        return PostAsync(new Uri(page.Url, form.GetAttribute("action")).AbsoluteUri, fields, cancellationToken);
    }

    /// <summary>Follows a redirect response to the page it ends on.</summary>
    public Task<WebPage> FollowAsync(WebPage page, CancellationToken cancellationToken) =>
        page.Location is { } next ? BrowseAsync(next.AbsoluteUri, cancellationToken) : Task.FromResult(page);

    public void Dispose() => _http.Dispose();

    private static async Task<WebPage> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var url = response.RequestMessage!.RequestUri!;
        var location = response.Headers.Location is { } l ? new Uri(url, l) : null;
        return new WebPage(response.StatusCode, url, location, await Parser.ParseDocumentAsync(body, cancellationToken), body);
    }
}
