using SaasPortal.Orm;

namespace SaasPortal.Saas.Mail;

/// <summary>
/// Which SMTP server a message goes through: its own <c>mail_server_id</c>, else the active <c>ir.mail_server</c>
/// with the lowest sequence, else the configured one. Records are read per pass, so an operator's change over RPC
/// takes effect at the next pass on every node.
/// </summary>
internal sealed class MailServers(MailSettings settings)
{
    private readonly Dictionary<int, SmtpServer?> _records = [];
    private (bool Known, SmtpServer? Server) _default;

    public async Task<SmtpServer?> ResolveAsync(OrmEnvironment env, int? recordId, CancellationToken cancellationToken)
    {
        if (recordId is { } id)
        {
            if (!_records.TryGetValue(id, out var server))
            {
                server = _records[id] = await ReadAsync(env.Sudo()["ir.mail_server"].Browse(id), cancellationToken);
            }

            if (server is not null)
            {
                return server;
            }
        }

        if (!_default.Known)
        {
            var active = await env.Sudo()["ir.mail_server"].SearchAsync(Wire.Domain(("active", "=", true)), cancellationToken, limit: 1, order: "sequence, id");
            _default = (true, (active.Count == 0 ? null : await ReadAsync(active, cancellationToken)) ?? settings.Smtp);
        }

        return _default.Server;
    }

    private static async Task<SmtpServer?> ReadAsync(SaasPortal.Orm.Records.RecordSet record, CancellationToken cancellationToken)
    {
        var rows = await record.ReadAsync(["smtp_host", "smtp_port", "smtp_encryption", "smtp_user", "smtp_pass", "email_from", "active"], cancellationToken);
        if (rows.Count == 0 || !Wire.Bool(rows[0]["active"]) || Wire.Text(rows[0]["smtp_host"]) is not { Length: > 0 } host)
        {
            return null;
        }

        var row = rows[0];
        return new SmtpServer
        {
            Host = host,
            Port = Wire.Integer(row["smtp_port"]) is > 0 and var port ? port : 25,
            Security = SmtpServer.ParseSecurity(Wire.Text(row["smtp_encryption"])),
            User = Wire.Text(row["smtp_user"]) is { Length: > 0 } user ? user : null,
            Password = Wire.Text(row["smtp_pass"]),
            From = Wire.Text(row["email_from"]) is { Length: > 0 } from ? from : null,
        };
    }
}
