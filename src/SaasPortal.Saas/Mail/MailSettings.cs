namespace SaasPortal.Saas.Mail;

/// <summary>How the connection to an SMTP server is secured.</summary>
public enum SmtpSecurity
{
    /// <summary>Plain SMTP (loopback relays, tests).</summary>
    None,

    /// <summary>Plain connection upgraded with STARTTLS; refused when the server does not offer it.</summary>
    StartTls,

    /// <summary>TLS from the first byte (SMTPS, usually port 465).</summary>
    Ssl,
}

/// <summary>
/// One SMTP server: from the portal's configuration (<c>SaasPortal:Mail:Smtp:*</c>) or from an active
/// <c>ir.mail_server</c> record. <see cref="ToString"/> leaves the password out, so logging a server is safe.
/// </summary>
public sealed record SmtpServer
{
    /// <summary>Host name or address.</summary>
    public required string Host { get; init; }

    /// <summary>TCP port.</summary>
    public int Port { get; init; } = 25;

    /// <summary>Connection security.</summary>
    public SmtpSecurity Security { get; init; } = SmtpSecurity.None;

    /// <summary>User to authenticate as; none means no authentication.</summary>
    public string? User { get; init; }

    /// <summary>The user's password. Never logged, never shown over RPC.</summary>
    public string? Password { get; init; }

    /// <summary>Sender address of the portal's mail; null: the configured default.</summary>
    public string? From { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Host}:{Port} ({Security}{(User is null ? "" : ", user " + User)})";

    /// <summary>Reads Odoo's <c>smtp_encryption</c> selection (none, starttls, ssl).</summary>
    public static SmtpSecurity ParseSecurity(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "none" => SmtpSecurity.None,
        "starttls" => SmtpSecurity.StartTls,
        "ssl" => SmtpSecurity.Ssl,
        _ => throw new FormatException($"Unknown SMTP security '{value}': use none, starttls or ssl."),
    };
}

/// <summary>The portal's mail settings (configuration section <c>SaasPortal:Mail</c>).</summary>
public sealed record MailSettings
{
    /// <summary>The portal database, which holds the queue and the templates.</summary>
    public required string PortalDatabase { get; init; }

    /// <summary>The SMTP server used when no active <c>ir.mail_server</c> record exists; null: none configured.</summary>
    public SmtpServer? Smtp { get; init; }

    /// <summary>Sender when neither the server record nor the configuration names one.</summary>
    public string DefaultFrom { get; init; } = "SaaS Portal <noreply@localhost>";

    /// <summary>How often the worker looks for due mail.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Wait after the first failed attempt; it doubles with each further failure.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two attempts.</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Failed attempts after which a message is marked exception and no longer tried.</summary>
    public int MaxAttempts { get; init; } = 10;

    /// <summary>Most messages one node claims per pass.</summary>
    public int BatchSize { get; init; } = 20;

    /// <summary>How long a claimed message belongs to the node that claimed it (then another node may retry it).</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Timeout of one SMTP conversation.</summary>
    public TimeSpan SmtpTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the worker queues due lifecycle notices (expiry, suspension, storage).</summary>
    public TimeSpan NoticeInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a password-reset link works.</summary>
    public TimeSpan ResetLinkLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Most reset mails one login gets per hour; further requests are accepted and do nothing.</summary>
    public int ResetMailsPerHour { get; init; } = 3;

    /// <summary>Wait before the attempt following <paramref name="failedAttempts"/> failures: base × 2^(n-1), capped.</summary>
    public TimeSpan RetryDelay(int failedAttempts)
    {
        var exponent = Math.Clamp(failedAttempts - 1, 0, 30);
        var ticks = RetryBaseDelay.Ticks * Math.Pow(2, exponent);
        return ticks >= RetryMaxDelay.Ticks ? RetryMaxDelay : TimeSpan.FromTicks((long)ticks);
    }
}
