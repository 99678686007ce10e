using System.Globalization;
using SaasPortal.Orm;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Methods;

namespace SaasPortal.Saas.Governance;

/// <summary>
/// The rules the portal imposes inside a tenant where <c>saas_client</c> is installed: suspension, expiry, the
/// storage limit and the user limit. They run inside the ORM for every call, so RPC, JSON and web pages obey
/// them alike; the superuser (the portal acting on the tenant) passes suspension, expiry and storage, but not the
/// user limit, which is about the tenant's contents rather than who asks.
/// </summary>
public sealed class TenantGovernance(StorageUsage storage, TimeProvider time)
{
    /// <summary>Methods that only delete or read: allowed while the storage limit is exceeded.</summary>
    private static readonly HashSet<string> FreesOrReads = new(StringComparer.Ordinal)
    {
        "search", "search_count", "read", "search_read", "fields_get", "name_get", "name_search", "default_get", "exists",
        "check_access_rights", "check_access_rule", "read_group", "has_group", "get_param", "unlink",
    };

    /// <summary>
    /// Refuses every call while the tenant is being moved to another server (what it wrote would not reach the copy);
    /// refuses a call of a user other than the superuser in a suspended or expired tenant, and writes past the storage limit.
    /// </summary>
    public async Task CheckCallAsync(OrmEnvironment env, string model, string method, CancellationToken cancellationToken)
    {
        if (env.IsSuperuser)
        {
            if (await GovernanceParameters.IsMovingAsync(env, cancellationToken))
            {
                throw BeingMoved(env.Database);
            }

            return;
        }

        var parameters = await GovernanceParameters.ReadAsync(env, cancellationToken);
        if (parameters.Moving)
        {
            throw BeingMoved(env.Database);
        }

        if (parameters.Suspended)
        {
            throw new UserErrorException($"The database {env.Database} is suspended. Contact your provider to resume it.");
        }

        if (parameters.ExpiresUtc is { } expires && expires <= time.GetUtcNow().UtcDateTime)
        {
            throw new UserErrorException(
                $"The database {env.Database} has expired on {expires.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC. Contact your provider to renew it.");
        }

        if (parameters.StorageLimitMegabytes > 0 && !FreesOrReads.Contains(method))
        {
            var (databaseBytes, fileBytes) = await storage.MeasureAsync(env.Database, cancellationToken);
            if (NearLimit(databaseBytes + fileBytes, parameters.StorageLimitMegabytes))
            {
                // Close to the limit, parallel writes must not all pass on one measurement: they take turns, and each
                // measures what the ones before it wrote, so the limit is passed by one write at most.
                await LimitSerializer.SerializeAsync(env, SaasParameters.TotalStorageLimit, cancellationToken);
                (databaseBytes, fileBytes) = await storage.MeasureAsync(env.Database, cancellationToken, fresh: true);
            }

            var used = StorageUsage.ToMegabytes(databaseBytes + fileBytes);
            if (used >= parameters.StorageLimitMegabytes)
            {
                throw new UserErrorException(
                    $"Storage limit reached: the database uses {used} MB of the {parameters.StorageLimitMegabytes} MB allowed. Delete data or ask your provider for more space.");
            }
        }
    }

    /// <summary>
    /// Within a tenth of the limit, or 5 MB of it for small limits: far from it, a figure a few seconds old is good
    /// enough and writes need not wait for each other.
    /// </summary>
    private static bool NearLimit(long usedBytes, int limitMegabytes)
    {
        var limitBytes = limitMegabytes * 1024L * 1024L;
        return limitBytes - usedBytes <= Math.Max(limitBytes / 10, 5L * 1024 * 1024);
    }

    private static UserErrorException BeingMoved(string database) =>
        new($"The database {database} is being moved to another server. Try again in a few minutes.");

    /// <summary>
    /// Wraps res.users create and write: when the call leaves more internal users (besides the superuser) than the
    /// limit allows and added some, it is refused and rolled back. Counting after the change closes the holes of
    /// the original tools, where reactivating a user or making a portal user internal slipped past the check.
    /// </summary>
    public static async Task<object?> EnforceUserLimitAsync(MethodCall call)
    {
        var env = call.Env;
        var limit = (await GovernanceParameters.ReadAsync(env, call.CancellationToken)).MaxUsers;
        if (limit <= 0)
        {
            return await call.SuperAsync();
        }

        await LimitSerializer.SerializeAsync(env, SaasParameters.MaxUsers, call.CancellationToken);
        var before = await TenantUsage.CountInternalUsersAsync(env, call.CancellationToken);
        var result = await call.SuperAsync();
        var after = await TenantUsage.CountInternalUsersAsync(env, call.CancellationToken);
        if (after > limit && after > before)
        {
            throw new UserErrorException($"Maximum allowed users is {limit}, while you already have {before}");
        }

        return result;
    }
}
