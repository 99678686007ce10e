using System.Globalization;

namespace SaasPortal.Rpc;

/// <summary>Text rules both codecs share: XML 1.0's character set, the wire's date formats, clipped quotes in messages.</summary>
internal static class WireText
{
    /// <summary>The dateTime.iso8601 form Python's xmlrpc.client writes and the only one it reads.</summary>
    public const string XmlRpcDateFormat = "yyyyMMdd'T'HH:mm:ss";

    /// <summary>Odoo's datetime form in JSON (fields.Datetime.to_string).</summary>
    public const string JsonDateFormat = "yyyy-MM-dd HH:mm:ss";

    // Python sends the compact form, Apache and some JavaScript clients the dashed one; a few add fractions of a second.
    private static readonly string[] XmlRpcDateFormats =
    [
        "yyyyMMdd'T'HH:mm:ss",
        "yyyy-MM-dd'T'HH:mm:ss",
        "yyyyMMdd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
    ];

    /// <summary>
    /// The index of the first character XML 1.0 cannot carry (C0 controls other than tab, LF and CR, U+FFFE, U+FFFF,
    /// or a surrogate without its pair), or -1 when the text is clean. Astral characters (paired surrogates) are fine.
    /// </summary>
    public static int IndexOfInvalidXmlChar(ReadOnlySpan<char> text)
    {
        var offset = 0;
        while (true)
        {
            // Nearly all text is in U+0020..U+D7FF, which the vectorised scan skips; the rest is looked at one by one.
            var found = text[offset..].IndexOfAnyExceptInRange('\u0020', '\uD7FF');
            if (found < 0)
            {
                return -1;
            }

            var at = offset + found;
            var c = text[at];
            if (c is '\t' or '\n' or '\r' || c is >= '\uE000' and <= '\uFFFD')
            {
                offset = at + 1;
            }
            else if (char.IsHighSurrogate(c) && at + 1 < text.Length && char.IsLowSurrogate(text[at + 1]))
            {
                offset = at + 2;
            }
            else
            {
                return at;
            }
        }
    }

    /// <summary>
    /// The text with every character XML 1.0 cannot carry replaced by U+FFFD. Only for messages that must always
    /// go out (fault strings); values are refused instead, so that data is never changed silently.
    /// </summary>
    public static string ToXmlSafe(string text) => Replace(text, IndexOfInvalidXmlChar);

    /// <summary>The text with every unpaired surrogate replaced by U+FFFD (for error texts that must always go out).</summary>
    public static string ToUnicodeSafe(string text) => Replace(text, IndexOfLoneSurrogate);

    /// <summary>The index of the first surrogate without its pair, or -1.</summary>
    public static int IndexOfLoneSurrogate(ReadOnlySpan<char> text)
    {
        var offset = 0;
        while (true)
        {
            var found = text[offset..].IndexOfAnyInRange('\uD800', '\uDFFF');
            if (found < 0)
            {
                return -1;
            }

            var at = offset + found;
            if (!char.IsHighSurrogate(text[at]) || at + 1 >= text.Length || !char.IsLowSurrogate(text[at + 1]))
            {
                return at;
            }

            offset = at + 2;
        }
    }

    public static bool TryParseXmlRpcDate(ReadOnlySpan<char> text, out DateTime value) =>
        DateTime.TryParseExact(text.Trim(), XmlRpcDateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);

    /// <summary>Quotes untrusted text in an error message: clipped, with control characters made visible.</summary>
    public static string Clip(string? text)
    {
        if (text is null)
        {
            return "";
        }

        var clipped = text.Length <= 40 ? text : text[..40] + "…";
        return string.Create(clipped.Length, clipped, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? '?' : source[i];
            }
        });
    }

    public static string Describe(char c) => $"U+{(int)c:X4}";

    private static string Replace(string text, Finder find)
    {
        var at = find(text);
        if (at < 0)
        {
            return text;
        }

        var chars = text.ToCharArray();
        while (at >= 0)
        {
            chars[at] = '\uFFFD';
            var next = find(chars.AsSpan(at + 1));
            at = next < 0 ? -1 : at + 1 + next;
        }

        return new string(chars);
    }

    private delegate int Finder(ReadOnlySpan<char> text);
}
