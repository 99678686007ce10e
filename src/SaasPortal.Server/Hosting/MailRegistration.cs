using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SaasPortal.Addons.Behaviours;
using SaasPortal.Saas.Mail;

namespace SaasPortal.Server.Hosting;

/// <summary>
/// Registers the portal's mail: settings from <c>SaasPortal:Mail</c>, the queue, the SMTP transport, the dispatcher
/// and its worker, lifecycle notices, password resets and the overrides that queue mail where events happen. Call
/// after the saas_portal behaviour is registered, so these overrides wrap its methods.
/// </summary>
internal static class MailRegistration
{
    public const string Section = "SaasPortal:Mail";

    public static IServiceCollection AddSaasPortalMail(this IServiceCollection services, string portalDatabase)
    {
        services.AddSingleton(sp => Read(sp.GetService<IConfiguration>()?.GetSection(Section), portalDatabase));
        services.AddSingleton<MailQueue>();
        services.AddSingleton<IMailTransport, SmtpMailTransport>();
        services.AddSingleton<MailDispatcher>();
        services.AddSingleton<ClientNotices>();
        services.AddSingleton<PasswordResets>();
        services.AddSingleton<IAddonBehaviour, MailBehaviour>();
        services.AddHostedService<MailDispatchService>();
        return services;
    }

    /// <summary>Reads the section; a bad value stops the start with the key's name (never its value, which may be a password).</summary>
    internal static MailSettings Read(IConfigurationSection? section, string portalDatabase)
    {
        var defaults = new MailSettings { PortalDatabase = portalDatabase };
        if (section is null)
        {
            return defaults;
        }

        TimeSpan Span(string key, TimeSpan fallback) => section[key] is { Length: > 0 } text
            ? TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero
                ? value
                : throw new InvalidOperationException($"{Section}:{key} must be a positive time span such as 00:00:30.")
            : fallback;
        int Count(IConfigurationSection from, string key, int fallback) => from[key] is { Length: > 0 } text
            ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
                ? value
                : throw new InvalidOperationException($"{from.Path}:{key} must be a positive whole number.")
            : fallback;

        var smtp = section.GetSection("Smtp");
        return defaults with
        {
            Smtp = smtp["Host"] is { Length: > 0 } host
                ? new SmtpServer
                {
                    Host = host,
                    Port = Count(smtp, "Port", 25),
                    Security = SmtpServer.ParseSecurity(smtp["Security"]),
                    User = smtp["User"] is { Length: > 0 } user ? user : null,
                    Password = smtp["Password"],
                    From = smtp["From"] is { Length: > 0 } from ? from : null,
                }
                : null,
            DefaultFrom = section["From"] is { Length: > 0 } defaultFrom ? defaultFrom : defaults.DefaultFrom,
            PollInterval = Span("PollInterval", defaults.PollInterval),
            RetryBaseDelay = Span("RetryBaseDelay", defaults.RetryBaseDelay),
            RetryMaxDelay = Span("RetryMaxDelay", defaults.RetryMaxDelay),
            MaxAttempts = Count(section, "MaxAttempts", defaults.MaxAttempts),
            BatchSize = Count(section, "BatchSize", defaults.BatchSize),
            Lease = Span("Lease", defaults.Lease),
            SmtpTimeout = Span("SmtpTimeout", defaults.SmtpTimeout),
            NoticeInterval = Span("NoticeInterval", defaults.NoticeInterval),
            ResetLinkLifetime = Span("ResetLinkLifetime", defaults.ResetLinkLifetime),
            ResetMailsPerHour = Count(section, "ResetMailsPerHour", defaults.ResetMailsPerHour),
        };
    }
}

/// <summary>
/// Sends the portal's queued mail every <see cref="MailSettings.PollInterval"/> (each pass claims its own batch, so
/// every node may run it) and queues lifecycle notices every <see cref="MailSettings.NoticeInterval"/>.
/// </summary>
internal sealed partial class MailDispatchService(MailDispatcher dispatcher, ClientNotices notices, Func<SaasPortal.Orm.Service.OrmService> orm,
    MailSettings settings, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<MailDispatchService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The portal database is created and upgraded by hosted services that start later; passes begin once all have.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            await started.Task;
        }

        using var timer = new PeriodicTimer(settings.PollInterval, time);
        var nextNotices = time.GetUtcNow() + settings.NoticeInterval;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (time.GetUtcNow() >= nextNotices)
                {
                    nextNotices = time.GetUtcNow() + settings.NoticeInterval;
                    await orm().RunAsync(settings.PortalDatabase, SaasPortal.Orm.OrmEnvironment.SuperuserId, write: true,
                        env => notices.ScanAsync(env, null, stoppingToken), stoppingToken);
                }

                // Drain what is due now rather than one batch per tick, so a backlog after an outage clears quickly.
                MailPassResult pass;
                do
                {
                    pass = await dispatcher.RunOnceAsync(stoppingToken);
                }
                while (pass.Claimed >= settings.BatchSize && pass.Failed == 0 && !stoppingToken.IsCancellationRequested);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogPassFailed(logger, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail pass failed; the next one tries again")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
