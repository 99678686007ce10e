using System.Globalization;
using SaasPortal.Api.Security;
using SaasPortal.Orm;
using SaasPortal.Orm.Service;
using SaasPortal.Saas;
using SaasPortal.Saas.Governance;

namespace SaasPortal.Web.Tenant;

/// <summary>Who the portal made the owner of a tenant, and under which client id it knows the tenant.</summary>
public sealed record TenantIdentity(string? ClientId, int? OwnerUid, int? OwnerPortalUserId);

/// <summary>An installed addon.</summary>
public sealed record InstalledApp(string Name, string Title, bool Application);

/// <summary>A user of the tenant.</summary>
public sealed record TenantUserView(string Name, string Login);

/// <summary>What the tenant's home page shows.</summary>
public sealed record TenantHome(
    string UserName, IReadOnlyList<InstalledApp> Apps, IReadOnlyList<TenantUserView> Users, int InternalUsers, int MaxUsers,
    int StorageMegabytes, int StorageLimitMegabytes, DateTime? ExpiresUtc);

/// <summary>Why a tenant's pages are closed, if they are.</summary>
public enum TenantAvailability
{
    /// <summary>Open for its users.</summary>
    Open,

    /// <summary>Suspended by the portal.</summary>
    Suspended,

    /// <summary>Past its expiration.</summary>
    Expired,
}

/// <summary>What the tenant pages read: the tenant's own identity and governance (hidden parameters, read as superuser) and its home page.</summary>
public sealed class TenantDirectory(OrmService orm, StorageUsage storage, TimeProvider time, LoginThrottle throttle)
{
    /// <summary>The tenant's client id and owner, as provisioning recorded them.</summary>
    public Task<TenantIdentity> IdentityAsync(string database, CancellationToken cancellationToken) =>
        orm.RunAsync(database, OrmEnvironment.SuperuserId, write: false, async env =>
        {
            static int? Number(string? value) => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;
            return new TenantIdentity(
                await ConfigParameters.GetAsync(env, SaasParameters.DatabaseUuid, cancellationToken),
                Number(await ConfigParameters.GetAsync(env, SaasParameters.Owner, cancellationToken)),
                Number(await ConfigParameters.GetAsync(env, "saas_client.owner_portal_user_id", cancellationToken)));
        }, cancellationToken);

    /// <summary>Whether the tenant is open, suspended or expired, with its expiry.</summary>
    public Task<(TenantAvailability State, DateTime? ExpiresUtc)> AvailabilityAsync(string database, CancellationToken cancellationToken) =>
        orm.RunAsync(database, OrmEnvironment.SuperuserId, write: false, async env =>
        {
            var parameters = await GovernanceParameters.ReadAsync(env, cancellationToken);
            var state = parameters.Suspended ? TenantAvailability.Suspended
                : parameters.ExpiresUtc is { } expires && expires <= time.GetUtcNow().UtcDateTime ? TenantAvailability.Expired
                : TenantAvailability.Open;
            return (state, parameters.ExpiresUtc);
        }, cancellationToken);

    /// <summary>
    /// The uid of a tenant login, or null for wrong credentials; counted by the same failed-login limiter as RPC
    /// (a caller who has to wait gets <see cref="Api.Services.ServiceException"/> without the password being checked).
    /// </summary>
    public Task<int?> AuthenticateAsync(string database, string login, string password, CancellationToken cancellationToken) =>
        throttle.GuardAsync(database, login, () => orm.AuthenticateAsync(database, login, password, cancellationToken), uid => uid is not null);

    /// <summary>The login of an active user, or null when the user is gone or archived.</summary>
    public Task<string?> ActiveLoginAsync(string database, int uid, CancellationToken cancellationToken) =>
        orm.RunAsync(database, OrmEnvironment.SuperuserId, write: false, async env =>
        {
            var users = await env["res.users"].SearchAsync(Wire.Domain(("id", "=", uid), ("active", "=", true)), cancellationToken);
            return users.Count == 1 ? Wire.Text(await users.GetAsync("login", cancellationToken)) : null;
        }, cancellationToken);

    /// <summary>The home page's facts for <paramref name="uid"/>, who must be an active user.</summary>
    public async Task<TenantHome?> HomeAsync(string database, int uid, CancellationToken cancellationToken)
    {
        var home = await orm.RunAsync(database, OrmEnvironment.SuperuserId, write: false, async env =>
        {
            var me = await env["res.users"].SearchAsync(Wire.Domain(("id", "=", uid), ("active", "=", true)), cancellationToken);
            if (me.Count != 1)
            {
                return null;
            }

            var name = Wire.Text(await me.GetAsync("name", cancellationToken)) ?? "";
            var modules = await env["ir.module.module"].SearchAsync(Wire.Domain(("state", "=", "installed")), cancellationToken, order: "name");
            var apps = (await modules.ReadAsync(["name", "shortdesc", "application"], cancellationToken))
                .Select(r => new InstalledApp(Wire.Text(r["name"]) ?? "", Wire.Text(r["shortdesc"]) ?? Wire.Text(r["name"]) ?? "", Wire.Bool(r["application"])))
                .ToList();
            var internalUsers = await env["res.users"].SearchAsync(
                Wire.Domain(("share", "=", false), ("active", "=", true), ("id", "!=", OrmEnvironment.SuperuserId)), cancellationToken, limit: 100, order: "name");
            var users = (await internalUsers.ReadAsync(["name", "login"], cancellationToken))
                .Select(r => new TenantUserView(Wire.Text(r["name"]) ?? "", Wire.Text(r["login"]) ?? "")).ToList();
            var parameters = await GovernanceParameters.ReadAsync(env, cancellationToken);
            var count = await TenantUsage.CountInternalUsersAsync(env, cancellationToken);
            return new TenantHome(name, apps, users, count, parameters.MaxUsers, 0, parameters.StorageLimitMegabytes, parameters.ExpiresUtc);
        }, cancellationToken);
        if (home is null)
        {
            return null;
        }

        var (databaseBytes, fileBytes) = await storage.MeasureAsync(database, cancellationToken);
        return home with { StorageMegabytes = StorageUsage.ToMegabytes(databaseBytes + fileBytes) };
    }
}
