using SaasPortal.Addons.Behaviours;
using SaasPortal.Orm;
using SaasPortal.Orm.Methods;
using SaasPortal.Saas.Portal;

namespace SaasPortal.Saas.Mail;

/// <summary>
/// Mail where the portal's events happen, as overrides on top of the methods that make them (so the code that
/// makes the event stays as it was): sign-up, <c>create_new_database</c> with <c>notify_user</c>, and upgrades
/// (a suspension or a new limit is noticed at once rather than at the next scan). Each override queues in the
/// call's own transaction, after the method succeeded. Also masks <c>ir.mail_server.smtp_pass</c> in RPC reads.
/// </summary>
public sealed class MailBehaviour(MailQueue queue, ClientNotices notices) : IAddonBehaviour
{
    /// <summary>What RPC reads show instead of a stored SMTP password.</summary>
    public const string PasswordMask = "********";

    /// <inheritdoc />
    public string Addon => "saas_portal";

    /// <inheritdoc />
    public void Register(MethodTable methods)
    {
        methods.Register("res.users", "signup", SignupAsync);
        methods.Register("saas_portal.plan", "create_new_database", CreateNewDatabaseAsync);
        methods.Register("saas_portal.client", "upgrade", UpgradeAsync);
        methods.Register("saas.config", "do_upgrade_database", DoUpgradeDatabaseAsync);
        methods.Register("ir.mail_server", "read", MaskPasswordAsync);
        methods.Register("ir.mail_server", "search_read", MaskPasswordAsync);
        methods.Register("ir.mail_server", "write", KeepPasswordAsync);
    }

    private async Task<object?> SignupAsync(MethodCall call)
    {
        var result = await call.SuperAsync();
        var a = call.Bind(Parameter.Required("values"), Parameter.Optional("token"));
        if (a[0] is IDictionary<string, object?> values && values.TryGetValue("login", out var l) && l is string login)
        {
            var email = values.TryGetValue("email", out var e) && e is string { Length: > 0 } given ? given : login.Trim();
            var mail = await PortalLinks.CommonValuesAsync(call.Env.Sudo(), call.CancellationToken);
            mail["login"] = login.Trim();
            mail["name"] = values.TryGetValue("name", out var n) && n is string { Length: > 0 } name ? name : login.Trim();
            await queue.EnqueueAsync(call.Env, MailTemplateCodes.Signup, email, mail, onceKey: null, call.CancellationToken);
        }

        return result;
    }

    private async Task<object?> CreateNewDatabaseAsync(MethodCall call)
    {
        var result = await call.SuperAsync();
        // notify_user is the sixth argument (after ids, dbname, client_id, partner_id, user_id) or a keyword; the method itself checked the rest.
        var notify = call.Kwargs.TryGetValue("notify_user", out var given) ? given : call.Args.Count > 5 ? call.Args[5] : false;
        if (!SaasPortal.Orm.Records.Values.IsTruthy(notify) || result is not IDictionary<string, object?> created || created["id"] is not int clientRecordId)
        {
            return result;
        }

        var sudo = call.Env.Sudo();
        var ct = call.CancellationToken;
        var client = (await sudo["saas_portal.client"].Browse(clientRecordId).ReadAsync(["name", "partner_id"], ct))[0];
        var database = Wire.Text(client["name"])!;
        var partnerId = Wire.Many2oneId(client["partner_id"]);
        var partner = partnerId is { } p ? (await sudo["res.partner"].Browse(p).ReadAsync(["name", "email"], ct))[0] : null;
        // The owner's login in the tenant is the portal user's login (or the partner's e-mail when created for a partner).
        var users = partnerId is { } pid ? await sudo["res.users"].SearchAsync(Wire.Domain(("partner_id", "=", pid)), ct, limit: 1) : null;
        var login = users is { Count: > 0 } ? Wire.Text(await users.GetAsync("login", ct)) : Wire.Text(partner?["email"]);
        var values = await PortalLinks.CommonValuesAsync(sudo, ct);
        values["name"] = Wire.Text(partner?["name"]);
        values["database"] = database;
        values["database_url"] = await TenantUrls.BaseUrlAsync(sudo, database, ct);
        values["login"] = login;
        values["signin_url"] = Wire.Text(created["url"]);
        await queue.EnqueueAsync(call.Env, MailTemplateCodes.Credentials, Wire.Text(partner?["email"]), values, $"credentials:{Wire.Text(created["client_id"])}", ct);
        return result;
    }

    private async Task<object?> UpgradeAsync(MethodCall call)
    {
        var result = await call.SuperAsync();
        var ids = SaasPortal.Orm.Records.Values.ToIds(call.Bind(Parameter.Required("ids"), Parameter.Required("payload"))[0]);
        await notices.ScanAsync(call.Env, ids, call.CancellationToken);
        return result;
    }

    private async Task<object?> DoUpgradeDatabaseAsync(MethodCall call)
    {
        var result = await call.SuperAsync();
        var ids = SaasPortal.Orm.Records.Values.ToIds(call.Bind(Parameter.Required("data"), Parameter.Required("client_id"))[1], "client_id");
        await notices.ScanAsync(call.Env, ids, call.CancellationToken);
        return result;
    }

    /// <summary>A form that read the mask and writes it back leaves the stored password alone.</summary>
    private static Task<object?> KeepPasswordAsync(MethodCall call)
    {
        if (call.Args is [var ids, IDictionary<string, object?> values, ..] && values.TryGetValue("smtp_pass", out var given) && given is PasswordMask)
        {
            var rest = new Dictionary<string, object?>(values, StringComparer.Ordinal);
            rest.Remove("smtp_pass");
            return call.SuperAsync([ids, rest, .. call.Args.Skip(2)], call.Kwargs);
        }

        return call.SuperAsync();
    }

    private static async Task<object?> MaskPasswordAsync(MethodCall call)
    {
        var result = await call.SuperAsync();
        if (result is IEnumerable<object?> rows)
        {
            foreach (var row in rows.OfType<IDictionary<string, object?>>())
            {
                if (row.TryGetValue("smtp_pass", out var stored) && stored is string { Length: > 0 })
                {
                    row["smtp_pass"] = PasswordMask;
                }
            }
        }

        return result;
    }
}
