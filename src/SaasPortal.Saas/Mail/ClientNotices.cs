using System.Globalization;
using SaasPortal.Orm;
using SaasPortal.Saas.Governance;
using SaasPortal.Saas.Portal;

namespace SaasPortal.Saas.Mail;

/// <summary>
/// The lifecycle notices a customer gets about a client database, each once per event: "N days left" before expiry
/// (for each configured N, the smallest one reached; a new expiry date starts over), expired (once per expiry
/// date), suspended and storage limit reached (once per episode: a <c>saas_portal.client.notice</c> row is made
/// when the notice is queued and removed when the condition ends). Every notice carries a <c>once_key</c>, unique in
/// <c>mail.mail</c>, so two nodes scanning at the same moment cannot both queue it. The scan reads the portal's
/// client records, which the maintenance pass and every upgrade keep in step with the tenants.
/// </summary>
public sealed class ClientNotices(MailQueue queue, TimeProvider time)
{
    /// <summary>Parameter with the days before expiry at which to write, comma-separated; "7,1" unless set.</summary>
    public const string ExpiryDaysKey = "saas_portal.mail_expiry_notice_days";

    private static readonly string[] Fields =
    [
        "name", "client_id", "partner_id", "expiration_datetime", "suspended", "db_storage", "file_storage", "total_storage_limit",
    ];

    /// <summary>Queues what is due for <paramref name="clientIds"/> (every live client when null); returns how many notices were queued.</summary>
    public async Task<int> ScanAsync(OrmEnvironment portal, IReadOnlyList<int>? clientIds, CancellationToken cancellationToken)
    {
        var sudo = portal.Sudo();
        var domain = Wire.Domain(("state", "!=", "deleted"));
        if (clientIds is not null)
        {
            domain.Add(new List<object?> { "id", "in", clientIds.Cast<object?>().ToList() });
        }

        var clients = await sudo["saas_portal.client"].SearchAsync(domain, cancellationToken);
        if (clients.Count == 0)
        {
            return 0;
        }

        var days = ParseDays(await ConfigParameters.GetAsync(sudo, ExpiryDaysKey, cancellationToken));
        var common = await PortalLinks.CommonValuesAsync(sudo, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var episodes = new Dictionary<(int Client, string Kind), int>();
        var open = await sudo["saas_portal.client.notice"].SearchAsync(
            Wire.Domain(("client_id", "in", clients.Ids.Cast<object?>().ToList())), cancellationToken);
        foreach (var notice in await open.ReadAsync(["client_id", "kind"], cancellationToken))
        {
            episodes[(Wire.Many2oneId(notice["client_id"]) ?? 0, Wire.Text(notice["kind"]) ?? "")] = (int)notice["id"]!;
        }

        var queued = 0;
        foreach (var row in await clients.ReadAsync(Fields, cancellationToken))
        {
            queued += await ScanOneAsync(sudo, row, episodes, days, common, now, cancellationToken);
        }

        return queued;
    }

    private async Task<int> ScanOneAsync(OrmEnvironment sudo, Dictionary<string, object?> row, Dictionary<(int Client, string Kind), int> episodes,
        IReadOnlyList<int> days, Dictionary<string, string?> common, DateTime now, CancellationToken cancellationToken)
    {
        var id = (int)row["id"]!;
        var clientId = Wire.Text(row["client_id"]) ?? id.ToString(CultureInfo.InvariantCulture);
        var database = Wire.Text(row["name"]) ?? "";
        var queued = 0;
        Dictionary<string, string?>? values = null;
        string? to = null;

        async Task<bool> NotifyAsync(string code, string? onceKey, params (string Key, string? Value)[] extra)
        {
            if (values is null)
            {
                (to, var name) = await RecipientAsync(sudo, Wire.Many2oneId(row["partner_id"]), cancellationToken);
                values = new Dictionary<string, string?>(common, StringComparer.Ordinal) { ["database"] = database, ["name"] = name };
            }

            var these = new Dictionary<string, string?>(values, StringComparer.Ordinal);
            foreach (var (key, value) in extra)
            {
                these[key] = value;
            }

            var sent = await queue.EnqueueAsync(sudo, code, to, these, onceKey, cancellationToken) is not null;
            queued += sent ? 1 : 0;
            return sent;
        }

        var expirationText = Wire.Text(row["expiration_datetime"]);
        if (GovernanceParameters.ParseDatetime(expirationText) is { } expires)
        {
            if (expires <= now)
            {
                await NotifyAsync(MailTemplateCodes.Expired, $"expired:{clientId}:{expirationText}", ("expiration", expirationText));
            }
            else
            {
                var left = (expires - now).TotalDays;
                if (days.Where(d => left <= d).Order().FirstOrDefault() is var threshold and > 0)
                {
                    var shown = Math.Max(1, (int)Math.Ceiling(left)).ToString(CultureInfo.InvariantCulture);
                    await NotifyAsync(MailTemplateCodes.ExpirySoon, $"expiry_soon:{clientId}:{expirationText}:{threshold.ToString(CultureInfo.InvariantCulture)}",
                        ("expiration", expirationText), ("days", shown));
                }
            }
        }

        var limit = Wire.Integer(row["total_storage_limit"]);
        var used = Wire.Integer(row["db_storage"]) + Wire.Integer(row["file_storage"]);
        await EpisodeAsync("suspended", Wire.Bool(row["suspended"]), key => NotifyAsync(MailTemplateCodes.Suspended, key));
        await EpisodeAsync("storage", limit > 0 && used >= limit, key => NotifyAsync(MailTemplateCodes.StorageLimit, key,
            ("used_mb", used.ToString(CultureInfo.InvariantCulture)), ("limit_mb", limit.ToString(CultureInfo.InvariantCulture))));

        // An episode starts with its notice (and a row saying so) and ends when the condition does (the row goes),
        // so a second suspension is a new episode with a new once_key: the number of notices of that kind before.
        async Task EpisodeAsync(string kind, bool holds, Func<string, Task<bool>> notify)
        {
            var open = episodes.TryGetValue((id, kind), out var episode);
            if (holds && !open)
            {
                if (await notify(await EpisodeKeyAsync(sudo, kind, clientId, cancellationToken)))
                {
                    await sudo["saas_portal.client.notice"].CreateAsync(Wire.Values(("client_id", id), ("kind", kind)), cancellationToken);
                }
            }
            else if (!holds && open)
            {
                await sudo["saas_portal.client.notice"].Browse(episode).UnlinkAsync(cancellationToken);
            }
        }

        return queued;
    }

    private static async Task<string> EpisodeKeyAsync(OrmEnvironment sudo, string what, string clientId, CancellationToken cancellationToken)
    {
        var before = await sudo["mail.mail"].SearchCountAsync(Wire.Domain(("once_key", "=like", $"{what}:{clientId}:%")), cancellationToken);
        return $"{what}:{clientId}:{before.ToString(CultureInfo.InvariantCulture)}";
    }

    private static async Task<(string? Email, string? Name)> RecipientAsync(OrmEnvironment sudo, int? partnerId, CancellationToken cancellationToken)
    {
        if (partnerId is not { } id)
        {
            return (null, null);
        }

        var rows = await sudo["res.partner"].Browse(id).ReadAsync(["email", "name"], cancellationToken);
        return rows.Count == 0 ? (null, null) : (Wire.Text(rows[0]["email"]), Wire.Text(rows[0]["name"]));
    }

    /// <summary>Positive whole days from "7,3,1"; the default "7,1" when empty or unreadable.</summary>
    public static IReadOnlyList<int> ParseDays(string? text)
    {
        var days = (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(t => int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var d) ? d : 0)
            .Where(d => d > 0).Distinct().Order().ToList();
        return days.Count > 0 ? days : [1, 7];
    }
}
