using System.Globalization;
using SaasPortal.Orm;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Methods;
using SaasPortal.Orm.Service;
using SaasPortal.Saas.Portal;
using SaasPortal.Storage.Databases;

namespace SaasPortal.Saas.Staging;

/// <summary>The tenant parameters that make a database a quiet staging copy.</summary>
public static class StagingParameters
{
    /// <summary>"1": the tenant sends no e-mail (its outgoing mail is dropped, not queued).</summary>
    public const string MailDisabled = "saas_client.mail_disabled";

    /// <summary>"1": the tenant runs no scheduled action (<c>ir.cron</c>), whatever its jobs say.</summary>
    public const string ScheduledActionsDisabled = "saas_client.cron_disabled";

    /// <summary>Whether a tenant's parameter value switches the feature off.</summary>
    public static bool IsSet(string? value) => value?.Trim() is "1" or "True" or "true";
}

/// <summary>
/// <c>saas_portal.client.create_staging([id], name=None, expiry_days=15)</c>: copies a tenant under a new name as a
/// client marked <c>staging_of_id</c> = its source, with outgoing mail and scheduled actions off and an expiry after
/// which the expiry pass deletes it (no grace period). Managers only, like <c>duplicate_database</c>.
/// </summary>
public sealed class StagingCopies(Func<OrmService> orm, ClientOperations operations, DatabaseManager databases, TimeProvider time)
{
    /// <summary>Days a staging copy lives unless told otherwise.</summary>
    public const int DefaultExpiryDays = 15;

    /// <summary>Longest life a staging copy may be given.</summary>
    public const int MaxExpiryDays = 365;

    private const string Clients = "saas_portal.client";

    /// <summary>The RPC method.</summary>
    public async Task<object?> CreateStagingAsync(MethodCall call)
    {
        var a = call.Bind(Parameter.Required("ids"), Parameter.Optional("name"), Parameter.Optional("expiry_days", DefaultExpiryDays));
        var ct = call.CancellationToken;
        await PortalRoles.EnsureManagerAsync(call.Env, "create staging copies", ct);
        var days = a[2] switch
        {
            int d and >= 1 and <= MaxExpiryDays => d,
            long d and >= 1 and <= MaxExpiryDays => (int)d,
            false or null => DefaultExpiryDays,
            _ => throw new ValidationErrorException($"expiry_days must be a whole number of days from 1 to {MaxExpiryDays}."),
        };

        var ids = SaasPortal.Orm.Records.Values.ToIds(a[0], "ids");
        var source = ids.Count == 1 ? ids[0] : throw new UserErrorException("This operation works on exactly one client.");
        var name = a[1] is string given && given.Length > 0 ? given : await DefaultNameAsync(call.Env, source, ct);
        var expires = time.GetUtcNow().UtcDateTime.AddDays(days).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

        var copy = await operations.DuplicateAsync(call.Env, a[0], name, ct);
        var target = (string)copy["name"]!;
        try
        {
            await orm().RunAsync(target, OrmEnvironment.SuperuserId, write: true, async env =>
            {
                // Hidden: the copy's own administrators can neither read nor switch them back on.
                await ConfigParameters.SetAsync(env, StagingParameters.MailDisabled, "1", hidden: true, ct);
                await ConfigParameters.SetAsync(env, StagingParameters.ScheduledActionsDisabled, "1", hidden: true, ct);
                await ConfigParameters.SetAsync(env, SaasParameters.ExpirationDatetime, expires, hidden: true, ct);
                if (env.Registry.Contains("ir.cron"))
                {
                    var jobs = await env.Sudo()["ir.cron"].SearchAsync(Wire.Domain(("active", "=", true)), ct);
                    await jobs.WriteAsync(Wire.Values(("active", false)), ct);
                }

                return true;
            }, ct);
            await call.Env.Sudo()[Clients].Browse((int)copy["id"]!).WriteAsync(Wire.Values(
                ("staging_of_id", source), ("expiration_datetime", expires), ("expired", false)), ct);
        }
        catch
        {
            await databases.DropAsync(target, CancellationToken.None);
            orm().ForgetDatabase(target);
            throw;
        }

        copy["staging_of_id"] = source;
        copy["expiration_datetime"] = expires;
        return copy;
    }

    // client-1.example.com → client-1-staging.example.com (its own host under the same parent), then -staging2, -staging3…
    private async Task<string> DefaultNameAsync(OrmEnvironment portal, int source, CancellationToken cancellationToken)
    {
        var found = await portal.Sudo()[Clients].Browse(source).ExistsAsync(cancellationToken);
        var name = found.Count == 1 ? Wire.Text(await found.GetAsync("name", cancellationToken)) : null;
        if (name is null)
        {
            throw new UserErrorException("This client does not exist.");
        }

        var dot = name.IndexOf('.', StringComparison.Ordinal);
        var (head, tail) = dot < 0 ? (name, "") : (name[..dot], name[dot..]);
        for (var n = 1; n < 100; n++)
        {
            var suffix = n == 1 ? "-staging" : "-staging" + n.ToString(CultureInfo.InvariantCulture);
            var room = DatabaseName.MaxLength - tail.Length - suffix.Length;
            var candidate = (room > 0 && head.Length > room ? head[..room] : head) + suffix + tail;
            if (await portal.Sudo()[Clients].SearchCountAsync(Wire.Domain(("name", "=", candidate)), cancellationToken) == 0
                && !await databases.ExistsAsync(candidate, cancellationToken))
            {
                return candidate;
            }
        }

        throw new UserErrorException($"No free staging name for {name}; give one with name=.");
    }
}
