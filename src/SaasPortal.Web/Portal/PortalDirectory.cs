using System.Globalization;
using SaasPortal.Api.Security;
using SaasPortal.Orm;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Service;
using SaasPortal.Saas;
using SaasPortal.Saas.Portal;
using SaasPortal.Saas.Provisioning;

namespace SaasPortal.Web.Portal;

/// <summary>A plan as the landing page and the "New database" form show it.</summary>
public sealed record PlanView(int Id, string Name, string? Summary, int MaxUsers, int StorageLimitMegabytes, int TrialHours);

/// <summary>A client database as "My databases" and the operator console show it.</summary>
public sealed record ClientView(
    int Id, string Name, string ClientId, string State, string? Plan, string? Partner, int Users, int MaxUsers, int StorageMegabytes,
    int StorageLimitMegabytes, string? Expiration, bool Suspended, bool Expired, bool Trial, string? LastSync, string? StagingOf = null);

/// <summary>The signed-in portal user.</summary>
public sealed record PortalUser(int Uid, string Login, string Name, int PartnerId, bool IsManager);

/// <summary>
/// What the portal pages read and do, through the same ORM entry points as RPC: model methods run as the signed-in
/// user (so access rules, provisioning checks and limits apply exactly as over XML-RPC), and public facts (the
/// plans) are read with the superuser's rights.
/// </summary>
public sealed class PortalDirectory(OrmService orm, WebOptions options, LoginThrottle throttle)
{
    private static readonly IReadOnlyDictionary<string, object?> NoKwargs = new Dictionary<string, object?>(StringComparer.Ordinal);

    private static readonly string[] ClientFields =
    [
        "name", "client_id", "state", "plan_id", "partner_id", "users_len", "max_users", "db_storage", "file_storage", "total_storage_limit",
        "expiration_datetime", "suspended", "expired", "trial", "last_sync", "staging_of_id",
    ];

    /// <summary>The portal database.</summary>
    public string Database => options.PortalDatabase;

    /// <summary>The portal's public base URL (web.base.url), from which tenant addresses derive.</summary>
    public Task<string> PortalUrlAsync(CancellationToken cancellationToken) =>
        orm.RunAsync(Database, OrmEnvironment.SuperuserId, write: false, env => TenantUrls.PortalUrlAsync(env, cancellationToken), cancellationToken);

    /// <summary>Confirmed plans, in their order.</summary>
    public Task<IReadOnlyList<PlanView>> PlansAsync(CancellationToken cancellationToken) =>
        orm.RunAsync(Database, OrmEnvironment.SuperuserId, write: false, async env =>
        {
            var plans = await env["saas_portal.plan"].SearchAsync(Wire.Domain(("state", "=", "confirmed")), cancellationToken);
            var rows = await plans.ReadAsync(["name", "summary", "max_users", "total_storage_limit", "expiration"], cancellationToken);
            return (IReadOnlyList<PlanView>)[.. rows.Select(r => new PlanView((int)r["id"]!, Wire.Text(r["name"]) ?? "", Wire.Text(r["summary"]),
                Wire.Integer(r["max_users"]), Wire.Integer(r["total_storage_limit"]), Wire.Integer(r["expiration"])))];
        }, cancellationToken);

    /// <summary>Signs a customer up with <c>res.users.signup</c>'s rules; returns the new user's uid.</summary>
    public async Task<int> SignupAsync(string name, string login, string password, CancellationToken cancellationToken)
    {
        await orm.RunAsync(Database, OrmEnvironment.SuperuserId, write: true, env => env.CallAsync("res.users", "signup",
            [Wire.Values(("name", name), ("login", login), ("email", login), ("password", password))], null, cancellationToken), cancellationToken);
        return await orm.AuthenticateAsync(Database, login, password, cancellationToken)
            ?? throw new UserErrorException("The new account cannot sign in.");
    }

    /// <summary>
    /// The uid of a portal login, or null for wrong credentials. Counted by the same failed-login limiter as RPC,
    /// so the login form is no cheaper a way to guess passwords; a caller who has to wait gets
    /// <see cref="Api.Services.ServiceException"/> (AccessDenied) without the password being checked.
    /// </summary>
    public Task<int?> AuthenticateAsync(string login, string password, CancellationToken cancellationToken) =>
        throttle.GuardAsync(Database, login, () => orm.AuthenticateAsync(Database, login, password, cancellationToken), uid => uid is not null);

    /// <summary>The user of a portal session; null when it was deactivated or deleted since.</summary>
    public Task<PortalUser?> UserAsync(int uid, CancellationToken cancellationToken) =>
        orm.RunAsync(Database, OrmEnvironment.SuperuserId, write: false, async env =>
        {
            var users = await env.WithContext(env.Context.With("active_test", true))["res.users"]
                .SearchAsync(Wire.Domain(("id", "=", uid)), cancellationToken);
            if (users.Count != 1)
            {
                return null;
            }

            var row = (await users.ReadAsync(["login", "name", "partner_id"], cancellationToken))[0];
            var manager = uid == OrmEnvironment.SuperuserId || Wire.Bool(await env.CallAsync("res.users", "has_group",
                [new List<object?> { uid }, DatabaseProvisioner.ManagerGroup], null, cancellationToken));
            return new PortalUser(uid, Wire.Text(row["login"]) ?? "", Wire.Text(row["name"]) ?? "", Wire.Many2oneId(row["partner_id"]) ?? 0, manager);
        }, cancellationToken);

    /// <summary>The client databases owned by <paramref name="user"/>'s partner, newest first.</summary>
    public Task<IReadOnlyList<ClientView>> ClientsOfAsync(PortalUser user, CancellationToken cancellationToken) =>
        SearchClientsAsync(Wire.Domain(("partner_id", "=", user.PartnerId), ("state", "!=", "deleted")), cancellationToken);

    /// <summary>Clients whose database name or UUID contains <paramref name="query"/>, optionally in one state.</summary>
    public Task<IReadOnlyList<ClientView>> SearchClientsAsync(string? query, string? state, CancellationToken cancellationToken)
    {
        var domain = new List<object?>();
        if (!string.IsNullOrWhiteSpace(query))
        {
            domain.AddRange(["|", new List<object?> { "name", "ilike", query.Trim() }, new List<object?> { "client_id", "ilike", query.Trim() }]);
        }

        if (!string.IsNullOrEmpty(state))
        {
            domain.Add(new List<object?> { "state", "=", state });
        }

        return SearchClientsAsync(domain, cancellationToken);
    }

    /// <summary>One client by record id, or null.</summary>
    public async Task<ClientView?> ClientAsync(int id, CancellationToken cancellationToken) =>
        (await SearchClientsAsync(Wire.Domain(("id", "=", id)), cancellationToken)).FirstOrDefault();

    /// <summary>One client by its UUID (the tenant's OAuth client id), or null when unknown or deleted.</summary>
    public async Task<ClientView?> ClientByUuidAsync(string clientId, CancellationToken cancellationToken) =>
        (await SearchClientsAsync(Wire.Domain(("client_id", "=", clientId), ("state", "!=", "deleted")), cancellationToken)).FirstOrDefault();

    /// <summary>Creates a database for <paramref name="user"/> through <c>create_new_database</c>, run as that user.</summary>
    public async Task<(string Database, string Url)> CreateDatabaseAsync(PortalUser user, int planId, string? name, CancellationToken cancellationToken)
    {
        var kwargs = Wire.Values(("user_id", user.Uid));
        if (!string.IsNullOrWhiteSpace(name))
        {
            kwargs["dbname"] = name.Trim().ToLowerInvariant();
        }

        var result = await orm.ExecuteKwAsSessionUserAsync(Database, user.Uid, "saas_portal.plan", "create_new_database",
            [new List<object?> { planId }], kwargs, cancellationToken) as IReadOnlyDictionary<string, object?>
            ?? throw new UserErrorException("create_new_database returned nothing.");
        var url = Wire.Text(result.GetValueOrDefault("url")) ?? "";
        var database = new Uri(url).Host;
        return (database, url);
    }

    /// <summary>Suspends or resumes a client's database through the upgrade payload, as the operator.</summary>
    public Task SetSuspendedAsync(PortalUser operatorUser, int clientId, bool suspended, CancellationToken cancellationToken) =>
        orm.ExecuteKwAsSessionUserAsync(Database, operatorUser.Uid, "saas_portal.client", "upgrade",
            [new List<object?> { clientId }, Wire.Values(("params", new List<object?>
            {
                Wire.Values(("key", "saas_client.suspended"), ("value", suspended ? "1" : "0"), ("hidden", true)),
            }))], NoKwargs, cancellationToken);

    private Task<IReadOnlyList<ClientView>> SearchClientsAsync(List<object?> domain, CancellationToken cancellationToken) =>
        orm.RunAsync(Database, OrmEnvironment.SuperuserId, write: false, async env =>
        {
            var found = await env["saas_portal.client"].SearchAsync(domain, cancellationToken, limit: 200);
            var rows = await found.ReadAsync(ClientFields, cancellationToken);
            return (IReadOnlyList<ClientView>)[.. rows.Select(ToView)];
        }, cancellationToken);

    private static ClientView ToView(Dictionary<string, object?> r) => new(
        (int)r["id"]!, Wire.Text(r["name"]) ?? "", Wire.Text(r["client_id"]) ?? "", Wire.Text(r["state"]) ?? "draft",
        Wire.Many2oneName(r["plan_id"]), Wire.Many2oneName(r["partner_id"]), Wire.Integer(r["users_len"]), Wire.Integer(r["max_users"]),
        Wire.Integer(r["db_storage"]) + Wire.Integer(r["file_storage"]), Wire.Integer(r["total_storage_limit"]),
        Wire.Text(r["expiration_datetime"]), Wire.Bool(r["suspended"]), Wire.Bool(r["expired"]), Wire.Bool(r["trial"]), Wire.Text(r["last_sync"]),
        Wire.Many2oneName(r["staging_of_id"]));

    internal static string Plural(int count, string noun) => count.ToString(CultureInfo.InvariantCulture) + " " + noun + (count == 1 ? "" : "s");
}
