namespace SaasPortal.Client;

/// <summary>What <c>res.users.signup</c> answers: where and as whom the new user logs in.</summary>
public sealed record SignupResult(string Database, string Login, string Password);

/// <summary>The arguments of <c>saas_portal.plan.create_new_database</c>.</summary>
public sealed record NewDatabaseRequest
{
    /// <summary>The plan whose template is copied.</summary>
    public required int PlanId { get; init; }

    /// <summary>The database (and host) name; null takes the plan's "DB Names" pattern.</summary>
    public string? DatabaseName { get; init; }

    /// <summary>The portal user who owns the new database.</summary>
    public int? UserId { get; init; }

    /// <summary>The owner's partner, when there is no portal user.</summary>
    public int? PartnerId { get; init; }

    /// <summary>The owner's password in the new database; null makes a random one (the owner comes in through the portal).</summary>
    public string? OwnerPassword { get; init; }

    /// <summary>A trial database (expires after the plan's trial period).</summary>
    public bool Trial { get; init; }

    internal Dictionary<string, object?> ToKwargs()
    {
        var kwargs = new Dictionary<string, object?>(StringComparer.Ordinal) { ["dbname"] = DatabaseName ?? "" };
        if (UserId is { } user)
        {
            kwargs["user_id"] = user;
        }

        if (PartnerId is { } partner)
        {
            kwargs["partner_id"] = partner;
        }

        if (OwnerPassword is not null)
        {
            kwargs["owner_password"] = OwnerPassword;
        }

        if (Trial)
        {
            kwargs["trial"] = true;
        }

        return kwargs;
    }
}

/// <summary>The new client database, as <c>create_new_database</c> reports it.</summary>
/// <param name="ClientRecordId">The <c>saas_portal.client</c> record on the portal (the id the upgrade calls take).</param>
/// <param name="ClientId">The database's uuid.</param>
/// <param name="Url">Where the owner logs in.</param>
/// <param name="AuthUrl">The portal's sign-in URL for it.</param>
/// <param name="State">The client's state, e.g. <c>open</c>.</param>
public sealed record NewDatabase(int ClientRecordId, string ClientId, string Url, string AuthUrl, string State);

/// <summary>
/// The SaaS portal's operations (shared/seed/api_integration.rst), for a session on the portal database: sign-up,
/// new client databases, and the tenant upgrades (<c>saas.config.do_upgrade_database</c>) that suspend, limit,
/// install addons and change access in a client database.
/// </summary>
public sealed class SaasPortalApi
{
    private readonly OdooSession _session;

    internal SaasPortalApi(OdooSession session) => _session = session;

    /// <summary><c>res.users.signup(values)</c>: a portal user (login doubles as e-mail).</summary>
    public async Task<SignupResult> SignupAsync(string login, string name, string password, CancellationToken cancellationToken)
    {
        var result = Wire.List(await _session.ExecuteKwAsync("res.users", "signup",
            [new Dictionary<string, object?>(StringComparer.Ordinal) { ["login"] = login, ["name"] = name, ["password"] = password }],
            cancellationToken).ConfigureAwait(false), "res.users.signup()");
        return result is [string database, string user, string secret]
            ? new SignupResult(database, user, secret)
            : throw new FormatException("res.users.signup() answered something other than [db, login, password].");
    }

    /// <summary><c>saas_portal.plan.create_new_database([plan], dbname=, user_id=, owner_password=, …)</c>: copies the plan's template.</summary>
    public async Task<NewDatabase> CreateNewDatabaseAsync(NewDatabaseRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = Wire.Struct(await _session.ExecuteKwAsync("saas_portal.plan", "create_new_database", [new List<object?> { request.PlanId }],
            cancellationToken, request.ToKwargs()).ConfigureAwait(false), "saas_portal.plan.create_new_database()");
        return new NewDatabase(
            Wire.Int(result.GetValueOrDefault("id"), "create_new_database()"),
            result.GetValueOrDefault("client_id") as string ?? "",
            result.GetValueOrDefault("url") as string ?? "",
            result.GetValueOrDefault("auth_url") as string ?? "",
            result.GetValueOrDefault("state") as string ?? "");
    }

    /// <summary>The <c>saas_portal.client</c> record of a database name, or null.</summary>
    public async Task<int?> FindClientAsync(string databaseName, CancellationToken cancellationToken)
    {
        var ids = await _session.Model("saas_portal.client").SearchAsync([new List<object?> { "name", "=", databaseName }], cancellationToken)
            .ConfigureAwait(false);
        return ids.Count == 0 ? null : ids[0];
    }

    /// <summary>
    /// <c>saas.config.do_upgrade_database(data, client_id)</c> with any of its keys (<c>params</c>, <c>install_addons</c>,
    /// <c>uninstall_addons</c>, <c>access_owner_add</c>, <c>access_remove</c>, …); returns what happened per database.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, object?>> UpgradeAsync(int clientId, IReadOnlyDictionary<string, object?> data,
        CancellationToken cancellationToken) =>
        await _session.ExecuteKwAsync("saas.config", "do_upgrade_database", [data, clientId], cancellationToken).ConfigureAwait(false)
            as Dictionary<string, object?> ?? new Dictionary<string, object?>(StringComparer.Ordinal);

    /// <summary>Suspends the client database: every call but the superuser's is refused.</summary>
    public Task<IReadOnlyDictionary<string, object?>> SuspendAsync(int clientId, CancellationToken cancellationToken) =>
        SetParameterAsync(clientId, "saas_client.suspended", "1", cancellationToken);

    /// <summary>Lifts a suspension.</summary>
    public Task<IReadOnlyDictionary<string, object?>> ResumeAsync(int clientId, CancellationToken cancellationToken) =>
        SetParameterAsync(clientId, "saas_client.suspended", "0", cancellationToken);

    /// <summary>Limits the active internal users (0: unlimited).</summary>
    public Task<IReadOnlyDictionary<string, object?>> SetMaxUsersAsync(int clientId, int maxUsers, CancellationToken cancellationToken) =>
        SetParameterAsync(clientId, "saas_client.max_users", maxUsers.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);

    /// <summary>Limits database plus file store, in MB (0: unlimited).</summary>
    public Task<IReadOnlyDictionary<string, object?>> SetStorageLimitAsync(int clientId, int megabytes, CancellationToken cancellationToken) =>
        SetParameterAsync(clientId, "saas_client.total_storage_limit", megabytes.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);

    /// <summary>Installs addons (with their dependencies) in the client database.</summary>
    public Task<IReadOnlyDictionary<string, object?>> InstallAddonsAsync(int clientId, IReadOnlyList<string> addons, CancellationToken cancellationToken) =>
        UpgradeAsync(clientId, new Dictionary<string, object?>(StringComparer.Ordinal) { ["install_addons"] = addons }, cancellationToken);

    /// <summary>Uninstalls addons (and those depending on them) from the client database.</summary>
    public Task<IReadOnlyDictionary<string, object?>> UninstallAddonsAsync(int clientId, IReadOnlyList<string> addons, CancellationToken cancellationToken) =>
        UpgradeAsync(clientId, new Dictionary<string, object?>(StringComparer.Ordinal) { ["uninstall_addons"] = addons }, cancellationToken);

    /// <summary>Adds the owner to groups, by xml id (e.g. <c>base.group_sale_manager</c>).</summary>
    public Task<IReadOnlyDictionary<string, object?>> AddOwnerGroupsAsync(int clientId, IReadOnlyList<string> groups, CancellationToken cancellationToken) =>
        UpgradeAsync(clientId, new Dictionary<string, object?>(StringComparer.Ordinal) { ["access_owner_add"] = groups }, cancellationToken);

    /// <summary>Takes every user but the superuser out of groups, by xml id.</summary>
    public Task<IReadOnlyDictionary<string, object?>> RemoveGroupsAsync(int clientId, IReadOnlyList<string> groups, CancellationToken cancellationToken) =>
        UpgradeAsync(clientId, new Dictionary<string, object?>(StringComparer.Ordinal) { ["access_remove"] = groups }, cancellationToken);

    private Task<IReadOnlyDictionary<string, object?>> SetParameterAsync(int clientId, string key, string value, CancellationToken cancellationToken) =>
        UpgradeAsync(clientId, new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["params"] = new List<object?> { new Dictionary<string, object?>(StringComparer.Ordinal) { ["key"] = key, ["value"] = value, ["hidden"] = true } },
        }, cancellationToken);
}
