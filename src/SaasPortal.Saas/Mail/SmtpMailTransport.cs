using System.Net;
using System.Text.RegularExpressions;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace SaasPortal.Saas.Mail;

/// <summary>A message as the dispatcher hands it to a transport.</summary>
public sealed record OutgoingMessage(string From, string To, string Subject, string BodyHtml, string MessageId);

/// <summary>Delivers one message to an SMTP server; throws when the server did not accept it.</summary>
public interface IMailTransport
{
    /// <summary>Sends <paramref name="message"/> through <paramref name="server"/>.</summary>
    Task SendAsync(SmtpServer server, OutgoingMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// MailKit's SMTP client, one connection per message (the portal sends little mail, and a fresh connection
/// recovers from a server restart without any state to reset). The body goes as HTML with a plain-text part.
/// </summary>
public sealed partial class SmtpMailTransport(MailSettings settings) : IMailTransport
{
    /// <inheritdoc />
    public async Task SendAsync(SmtpServer server, OutgoingMessage message, CancellationToken cancellationToken)
    {
        var mime = new MimeMessage { Subject = message.Subject, MessageId = message.MessageId.Trim('<', '>') };
        mime.From.Add(MailboxAddress.Parse(message.From));
        mime.To.AddRange(InternetAddressList.Parse(message.To));
        mime.Body = new BodyBuilder { HtmlBody = message.BodyHtml, TextBody = ToText(message.BodyHtml) }.ToMessageBody();

        using var client = new SmtpClient { Timeout = (int)settings.SmtpTimeout.TotalMilliseconds };
        await client.ConnectAsync(server.Host, server.Port, server.Security switch
        {
            SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
            SmtpSecurity.Ssl => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.None,
        }, cancellationToken);
        if (!string.IsNullOrEmpty(server.User))
        {
            await client.AuthenticateAsync(server.User, server.Password ?? "", cancellationToken);
        }

        await client.SendAsync(mime, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }

    /// <summary>The plain-text alternative: links keep their address in parentheses, tags go, entities are decoded.</summary>
    public static string ToText(string html)
    {
        var withLinks = Link().Replace(html, m => $"{m.Groups[2].Value} ({m.Groups[1].Value})");
        var withBreaks = Break().Replace(withLinks, "\n");
        return WebUtility.HtmlDecode(Tag().Replace(withBreaks, "")).Trim();
    }

    [GeneratedRegex("""<a\s[^>]*href="([^"]*)"[^>]*>(.*?)</a>""", RegexOptions.IgnoreCase | RegexOptions.Singleline, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Link();

    [GeneratedRegex(@"<br\s*/?>|</p>", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Break();

    [GeneratedRegex("<[^>]+>", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Tag();
}
