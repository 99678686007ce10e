using System.Globalization;

namespace SaasPortal.Saas.Domains;

/// <summary>
/// A customer's host name in the one form the portal stores and compares: lower-case ASCII, internationalised labels
/// in their IDNA (punycode) form of the lower-cased name, no trailing dot, no port, no wildcard, at least two labels and a top-level label
/// that is not all digits (so IP addresses are refused).
/// </summary>
public static class HostName
{
    /// <summary>RFC 1035's limit on a whole name.</summary>
    public const int MaxLength = 253;

    private const int MaxLabelLength = 63;

    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = true };

    /// <summary>The canonical form of <paramref name="text"/>, or null with the reason in <paramref name="error"/>.</summary>
    public static string? Normalise(string? text, out string error)
    {
        error = "";
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            error = "A host name is required.";
            return null;
        }

        if (trimmed.Contains('*', StringComparison.Ordinal))
        {
            error = $"Wildcard host names are not allowed: '{Shorten(trimmed)}'. Add each host name on its own.";
            return null;
        }

        if (trimmed.EndsWith('.'))
        {
            trimmed = trimmed[..^1];
        }

        string ascii;
        try
        {
            // IdnMapping refuses empty labels, labels over 63 characters, and (with STD3 rules) anything but letters,
            // digits and inner hyphens. The server runs with invariant globalization, where it applies no UTS 46
            // mapping: lower-casing first makes BÜCHER and bücher one name; other compatibility forms (full-width
            // letters) become their own punycode, which simply fails verification.
            ascii = Idn.GetAscii(trimmed.ToLowerInvariant());
        }
        catch (ArgumentException)
        {
            error = $"'{Shorten(trimmed)}' is not a valid host name: use letters, digits and hyphens in dot-separated labels.";
            return null;
        }

        var labels = ascii.Split('.');
        if (ascii.Length > MaxLength || labels.Any(l => l.Length is 0 or > MaxLabelLength))
        {
            error = $"'{Shorten(trimmed)}' is too long for a host name ({MaxLength} characters, {MaxLabelLength} per label).";
            return null;
        }

        if (labels.Length < 2 || labels[^1].All(char.IsAsciiDigit))
        {
            error = $"'{Shorten(trimmed)}' is not a public host name: give a full name such as erp.example.com (no IP address).";
            return null;
        }

        if (labels.Any(l => l.StartsWith('-') || l.EndsWith('-')))
        {
            error = $"'{Shorten(trimmed)}' is not a valid host name: a label cannot start or end with a hyphen.";
            return null;
        }

        return ascii;
    }

    /// <summary>The canonical host of an HTTP <c>Host</c> header value (port and trailing dot removed), or null when it is not one.</summary>
    public static string? FromHostHeader(string? host)
    {
        if (string.IsNullOrEmpty(host) || host.Length > MaxLength + 6 || host.StartsWith('['))
        {
            return null;
        }

        var colon = host.LastIndexOf(':');
        var name = colon < 0 ? host : host[..colon];
        if (name.EndsWith('.'))
        {
            name = name[..^1];
        }

        var lowered = name.ToLowerInvariant();
        return lowered.Length > 0 && lowered.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.') ? lowered : null;
    }

    /// <summary>Whether <paramref name="host"/> is <paramref name="domain"/> or a name under it.</summary>
    public static bool IsWithin(string host, string domain) =>
        string.Equals(host, domain, StringComparison.Ordinal) || host.EndsWith("." + domain, StringComparison.Ordinal);

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
