namespace SaasPortal.Client;

/// <summary>Base-URL handling shared by the transports.</summary>
internal static class ServerUrl
{
    /// <summary>
    /// An absolute http(s) URL ending in '/', so relative endpoints resolve under it: Odoo's clients are told
    /// "don't use a trailing slash", and a prefix such as <c>/odoo</c> must survive either way.
    /// </summary>
    public static Uri Normalize(Uri serverUrl)
    {
        ArgumentNullException.ThrowIfNull(serverUrl);
        if (!serverUrl.IsAbsoluteUri || (serverUrl.Scheme != Uri.UriSchemeHttp && serverUrl.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The server URL must be an absolute http or https URL, not '{serverUrl}'.", nameof(serverUrl));
        }

        var text = serverUrl.GetLeftPart(UriPartial.Path);
        return new Uri(text.EndsWith('/') ? text : text + "/");
    }
}
