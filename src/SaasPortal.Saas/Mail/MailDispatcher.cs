using System.Globalization;
using Microsoft.Extensions.Logging;
using SaasPortal.Orm;
using SaasPortal.Orm.Service;
using SaasPortal.Storage;

namespace SaasPortal.Saas.Mail;

/// <summary>What one dispatcher pass did.</summary>
public sealed record MailPassResult(int Claimed, int Sent, int Failed, int GaveUp);

/// <summary>
/// Sends due mail from the portal's queue. A pass claims a batch of due messages (state outgoing, scheduled_date
/// reached, no live lease) by writing a lease in one short transaction — on PostgreSQL with
/// <c>FOR UPDATE SKIP LOCKED</c>, so several nodes claim disjoint batches — then talks SMTP outside any transaction
/// and records each outcome in its own: sent, or a retry after an exponentially growing wait, or exception with the
/// error once <see cref="MailSettings.MaxAttempts"/> attempts failed. A node that dies mid-pass leaves leases that
/// expire, so its messages are sent by another (at least once: a crash after the server accepted a message and
/// before it was marked sent means it goes again, with the same Message-Id).
/// </summary>
public sealed partial class MailDispatcher(Func<OrmService> orm, IMailTransport transport, MailSettings settings, TimeProvider time,
    ILogger<MailDispatcher> logger)
{
    private static readonly string[] MailFields = ["email_from", "email_to", "subject", "body_html", "attempts", "mail_server_id", "message_id"];

    private bool _warnedNoServer;

    /// <summary>Runs one pass.</summary>
    public async Task<MailPassResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        var database = settings.PortalDatabase;
        var now = time.GetUtcNow().UtcDateTime;
        // Without a default server only messages naming their own are claimed: the rest wait untouched (no write per
        // message and pass), and the operator is told once.
        var haveDefault = await orm().RunAsync(database, OrmEnvironment.SuperuserId, write: false,
            async env => await new MailServers(settings).ResolveAsync(env, null, cancellationToken) is not null, cancellationToken);
        if (!haveDefault && !_warnedNoServer)
        {
            _warnedNoServer = true;
            LogNoServer(logger);
        }

        _warnedNoServer &= !haveDefault;
        var claimed = await orm().RunAsync(database, OrmEnvironment.SuperuserId, write: true,
            env => ClaimAsync(env, now, onlyWithServer: !haveDefault, cancellationToken), cancellationToken);
        if (claimed.Count == 0)
        {
            return new MailPassResult(0, 0, 0, 0);
        }

        var work = await orm().RunAsync(database, OrmEnvironment.SuperuserId, write: false, env => LoadAsync(env, claimed, cancellationToken), cancellationToken);
        int sent = 0, failed = 0, gaveUp = 0;
        foreach (var item in work)
        {
            if (item.Server is null)
            {
                // Its server record is gone and there is no default: it keeps its attempts and waits, it is not failed.
                await RecordAsync(item.Id, Wire.Values(("lease_until", false), ("scheduled_date", Format(now + settings.PollInterval))), cancellationToken);
                continue;
            }

            try
            {
                await transport.SendAsync(item.Server, item.Message, cancellationToken);
                await RecordAsync(item.Id, Wire.Values(
                    ("state", "sent"), ("date_sent", Format(time.GetUtcNow().UtcDateTime)), ("attempts", item.Attempts + 1), ("lease_until", false),
                    ("failure_reason", false), ("email_from", item.Message.From), ("message_id", item.Message.MessageId)), cancellationToken);
                sent++;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var attempts = item.Attempts + 1;
                var reason = Redact(e.Message, item.Server.Password);
                var giveUp = attempts >= settings.MaxAttempts;
                await RecordAsync(item.Id, Wire.Values(
                    ("state", giveUp ? "exception" : "outgoing"), ("attempts", attempts), ("lease_until", false), ("failure_reason", reason),
                    ("scheduled_date", Format(time.GetUtcNow().UtcDateTime + settings.RetryDelay(attempts))), ("message_id", item.Message.MessageId)),
                    cancellationToken);
                LogFailed(logger, item.Id, item.Server.ToString(), attempts, giveUp, reason);
                failed++;
                gaveUp += giveUp ? 1 : 0;
            }
        }

        return new MailPassResult(claimed.Count, sent, failed, gaveUp);
    }

    private async Task<List<int>> ClaimAsync(OrmEnvironment env, DateTime now, bool onlyWithServer, CancellationToken cancellationToken)
    {
        var transaction = env.Transaction;
        var dialect = transaction.Dialect;
        var table = dialect.Quote("mail_mail");
        // The batch size is an int from the settings, never user input; SKIP LOCKED lets concurrent nodes pass over
        // rows another node is claiming instead of waiting for it (SQLite has a single writer and needs nothing).
        var skipLocked = dialect.Backend == DatabaseBackend.Postgres ? " FOR UPDATE SKIP LOCKED" : "";
        await using var command = transaction.Connection.CreateCommand();
        command.Transaction = transaction.Transaction;
        command.CommandText = $"""
            UPDATE {table} SET "lease_until" = {dialect.Parameter(0)}
            WHERE "id" IN (SELECT "id" FROM {table}
                           WHERE "state" = 'outgoing'
                             AND ("scheduled_date" IS NULL OR "scheduled_date" <= {dialect.Parameter(1)})
                             AND ("lease_until" IS NULL OR "lease_until" <= {dialect.Parameter(1)}){(onlyWithServer ? " AND \"mail_server_id\" IS NOT NULL" : "")}
                           ORDER BY "id" LIMIT {settings.BatchSize.ToString(CultureInfo.InvariantCulture)}{skipLocked})
            RETURNING "id"
            """;
        dialect.AddParameter(command, 0, now + settings.Lease);
        dialect.AddParameter(command, 1, now);
        var ids = new List<int>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture));
        }

        ids.Sort();
        return ids;
    }

    private async Task<List<WorkItem>> LoadAsync(OrmEnvironment env, List<int> ids, CancellationToken cancellationToken)
    {
        var servers = new MailServers(settings);
        var items = new List<WorkItem>();
        foreach (var row in await env["mail.mail"].Browse([.. ids]).ReadAsync(MailFields, cancellationToken))
        {
            var server = await servers.ResolveAsync(env, Wire.Many2oneId(row["mail_server_id"]), cancellationToken);
            var from = Wire.Text(row["email_from"]) is { Length: > 0 } given ? given : server?.From ?? settings.DefaultFrom;
            var messageId = Wire.Text(row["message_id"]) is { Length: > 0 } known
                ? known
                : $"<{Guid.NewGuid():N}.{(int)row["id"]!}@{MessageIdDomain(from)}>";
            items.Add(new WorkItem((int)row["id"]!, Wire.Integer(row["attempts"]), server,
                new OutgoingMessage(from, Wire.Text(row["email_to"]) ?? "", Wire.Text(row["subject"]) ?? "", Wire.Text(row["body_html"]) ?? "", messageId)));
        }

        return items;
    }

    private Task RecordAsync(int id, Dictionary<string, object?> values, CancellationToken cancellationToken) =>
        // The outcome is recorded even when the host is stopping, so a message the server accepted is not sent twice.
        orm().RunAsync(settings.PortalDatabase, OrmEnvironment.SuperuserId, write: true, async env =>
        {
            await env["mail.mail"].Browse(id).WriteAsync(values, CancellationToken.None);
            return true;
        }, CancellationToken.None);

    private static string MessageIdDomain(string from)
    {
        var at = from.LastIndexOf('@');
        var domain = at < 0 ? "localhost" : from[(at + 1)..].TrimEnd('>', ' ');
        return domain.Length == 0 ? "localhost" : domain;
    }

    /// <summary>A failure text never carries the password, whatever the server or library put in it.</summary>
    internal static string Redact(string message, string? password) =>
        string.IsNullOrEmpty(password) ? message : message.Replace(password, "********", StringComparison.Ordinal);

    private static string Format(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail waits: no active ir.mail_server record and no SaasPortal:Mail:Smtp:Host configured")]
    private static partial void LogNoServer(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail {Id} not delivered through {Server} (attempt {Attempts}, given up: {GaveUp}): {Reason}")]
    private static partial void LogFailed(ILogger logger, int id, string server, int attempts, bool gaveUp, string reason);

    private sealed record WorkItem(int Id, int Attempts, SmtpServer? Server, OutgoingMessage Message);
}
