using Microsoft.Extensions.Logging;
using SaasPortal.Orm;

namespace SaasPortal.Saas.Mail;

/// <summary>
/// Queues mail from a template into <c>mail.mail</c>, inside the caller's transaction: a call that fails and rolls
/// back leaves no mail behind, and a queued message survives any SMTP outage (the dispatcher sends it later).
/// </summary>
public sealed partial class MailQueue(ILogger<MailQueue> logger)
{
    /// <summary>
    /// Renders template <paramref name="code"/> for <paramref name="to"/> and queues it. Returns the new message's
    /// id, or null when nothing was queued: the database's mail is switched off, the template is missing or
    /// inactive, there is no recipient, or a message with <paramref name="onceKey"/> was queued before.
    /// </summary>
    public async Task<int?> EnqueueAsync(OrmEnvironment env, string code, string? to, IReadOnlyDictionary<string, string?> values, string? onceKey,
        CancellationToken cancellationToken)
    {
        var sudo = env.Sudo();
        if (string.IsNullOrWhiteSpace(to) || !to.Contains('@', StringComparison.Ordinal))
        {
            LogNoRecipient(logger, code, env.Database);
            return null;
        }

        if (await OutgoingMailSwitch.IsOffAsync(sudo, cancellationToken))
        {
            LogSwitchedOff(logger, code, env.Database);
            return null;
        }

        var mails = sudo["mail.mail"];
        if (onceKey is not null && await mails.SearchCountAsync(Wire.Domain(("once_key", "=", onceKey)), cancellationToken) > 0)
        {
            return null;
        }

        var templates = await sudo["mail.template"].SearchAsync(Wire.Domain(("code", "=", code), ("active", "=", true)), cancellationToken, limit: 1);
        if (templates.Count == 0)
        {
            LogNoTemplate(logger, code, env.Database);
            return null;
        }

        var template = (await templates.ReadAsync(["subject", "body_html"], cancellationToken))[0];
        var rendered = MailTemplateRenderer.Render(Wire.Text(template["subject"]) ?? "", Wire.Text(template["body_html"]) ?? "", values);
        var mail = await mails.CreateAsync(Wire.Values(
            ("subject", rendered.Subject), ("email_to", to.Trim()), ("body_html", rendered.BodyHtml), ("state", "outgoing"),
            ("template_code", code), ("once_key", (object?)onceKey ?? false)), cancellationToken);
        return mail.Id;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Mail '{Code}' in {Database} not queued: outgoing mail is switched off there")]
    private static partial void LogSwitchedOff(ILogger logger, string code, string database);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail '{Code}' in {Database} not queued: no active template with that code")]
    private static partial void LogNoTemplate(ILogger logger, string code, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "Mail '{Code}' in {Database} not queued: the recipient has no e-mail address")]
    private static partial void LogNoRecipient(ILogger logger, string code, string database);
}
