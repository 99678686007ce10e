using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace SaasPortal.Saas.Mail;

/// <summary>The codes of the portal's templates (<c>mail.template.code</c>), one per event it writes about.</summary>
public static class MailTemplateCodes
{
    /// <summary>After <c>res.users.signup</c>.</summary>
    public const string Signup = "signup";

    /// <summary>After <c>create_new_database</c> with <c>notify_user</c>.</summary>
    public const string Credentials = "credentials";

    /// <summary>A password-reset link.</summary>
    public const string PasswordReset = "password_reset";

    /// <summary>N days before a client's expiry.</summary>
    public const string ExpirySoon = "expiry_soon";

    /// <summary>A client expired.</summary>
    public const string Expired = "expired";

    /// <summary>A client was suspended.</summary>
    public const string Suspended = "suspended";

    /// <summary>A client reached its storage limit.</summary>
    public const string StorageLimit = "storage_limit";
}

/// <summary>A rendered message, ready to queue.</summary>
public sealed record RenderedMail(string Subject, string BodyHtml);

/// <summary>
/// Fills <c>{{name}}</c> placeholders. Templates are data the operator edits over RPC, so rendering runs no code:
/// a placeholder is a name looked up in the values given, HTML-escaped in the body (a customer's name cannot inject
/// markup or links), and stripped of line breaks in the subject (no header injection). Unknown names render empty.
/// </summary>
public static partial class MailTemplateRenderer
{
    /// <summary>Renders <paramref name="subject"/> and <paramref name="body"/> with <paramref name="values"/>.</summary>
    public static RenderedMail Render(string subject, string body, IReadOnlyDictionary<string, string?> values) =>
        new(Fill(subject, values, SubjectValue).Trim(), Fill(body, values, WebUtility.HtmlEncode));

    private static string SubjectValue(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            builder.Append(char.IsControl(c) ? ' ' : c);
        }

        return builder.ToString();
    }

    private static string Fill(string template, IReadOnlyDictionary<string, string?> values, Func<string, string> encode) =>
        Placeholder().Replace(template, match => values.TryGetValue(match.Groups[1].Value, out var value) && value is not null ? encode(value) : "");

    [GeneratedRegex(@"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Placeholder();
}
