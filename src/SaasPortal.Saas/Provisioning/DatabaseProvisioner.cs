using System.Globalization;
using Microsoft.Extensions.Logging;
using SaasPortal.Orm;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Methods;
using SaasPortal.Orm.Security;
using SaasPortal.Orm.Service;
using SaasPortal.Saas.Cluster;
using SaasPortal.Saas.Governance;
using SaasPortal.Saas.Portal;
using SaasPortal.Saas.Recovery;
using SaasPortal.Storage.Databases;
using SaasPortal.Storage.Placement;

namespace SaasPortal.Saas.Provisioning;

/// <summary>
/// <c>saas_portal.plan.create_new_database</c>: copies the plan's template into a new tenant, makes it the
/// customer's (owner user, identity, limits) and records the client in the portal. Everything that can be refused
/// is checked before the copy; a failure after it drops the copy, and the portal's own changes roll back with the
/// call's transaction, so a failed creation leaves neither a database nor a client record behind.
/// </summary>
public sealed partial class DatabaseProvisioner(
    Func<OrmService> orm, DatabaseManager databases, AccessTokens tokens, StorageUsage storage, OperationTracker operations, TimeProvider time,
    ILogger<DatabaseProvisioner> logger)
{
    /// <summary>The portal group whose members act for other customers.</summary>
    public const string ManagerGroup = "saas_portal.group_saas_portal_manager";

    private const string SequenceKey = "saas_portal.dbname_sequence";

    /// <summary>The model method: <c>create_new_database([plan_id], dbname=, user_id=, partner_id=, owner_password=, trial=, …)</c>.</summary>
    public async Task<object?> CreateNewDatabaseAsync(MethodCall call)
    {
        var a = call.Bind(
            Parameter.Required("ids"), Parameter.Optional("dbname"), Parameter.Optional("client_id"), Parameter.Optional("partner_id"),
            Parameter.Optional("user_id"), Parameter.Optional("notify_user", false), Parameter.Optional("trial", false),
            Parameter.Optional("support_team_id"), Parameter.Optional("async"), Parameter.Optional("owner_password"));
        var ct = call.CancellationToken;
        var env = call.Env;
        var timings = new StepTimings();
        var planIds = SaasPortal.Orm.Records.Values.ToIds(a[0], "plan ids");
        if (planIds.Count != 1)
        {
            throw new UserErrorException("create_new_database works on exactly one plan.");
        }

        var plan = await PlanSnapshot.ReadAsync(env, planIds[0], ct);
        timings.Mark("plan");
        var request = new ProvisioningRequest
        {
            Plan = plan,
            DatabaseName = Wire.Text(a[1]) is { Length: > 0 } name ? name : null,
            ClientId = Wire.Text(a[2]) is { Length: > 0 } clientId ? clientId : null,
            PartnerId = a[3] is int partnerId ? partnerId : null,
            UserId = a[4] is int userId ? userId : null,
            Trial = Wire.Bool(a[6]),
            OwnerPassword = Wire.Text(a[9]) is { Length: > 0 } password ? password : null,
        };
        var result = await CreateAsync(env, request, timings, ct);
        LogTimings(logger, result.Database, timings);
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["id"] = result.ClientRecordId,
            ["client_id"] = result.ClientId,
            ["url"] = result.Url,
            ["auth_url"] = result.AuthUrl,
            ["state"] = result.State,
        };
    }

    /// <summary>Creates the tenant; <paramref name="portal"/> is the caller's environment in the portal database.</summary>
    public Task<ProvisioningResult> CreateAsync(OrmEnvironment portal, ProvisioningRequest request, CancellationToken cancellationToken) =>
        CreateAsync(portal, request, new StepTimings(), cancellationToken);

    private async Task<ProvisioningResult> CreateAsync(OrmEnvironment portal, ProvisioningRequest request, StepTimings timings, CancellationToken cancellationToken)
    {
        var plan = request.Plan;
        var owner = await ResolveOwnerAsync(portal, request, cancellationToken);
        await CheckPartnerLimitsAsync(portal, plan, owner.PartnerId, request.Trial, cancellationToken);
        timings.Mark("owner");

        var name = request.DatabaseName ?? await GenerateNameAsync(portal, plan, cancellationToken);
        if (!DatabaseName.IsValid(name))
        {
            throw new UserErrorException(
                $"Invalid database name '{name}': use at most {DatabaseName.MaxLength} lowercase letters, digits, '-', '_' or '.', starting with a letter or digit.");
        }

        var clients = portal.Sudo()["saas_portal.client"];
        if (await clients.SearchCountAsync(Wire.Domain(("name", "=", name)), cancellationToken) > 0 || await databases.ExistsAsync(name, cancellationToken))
        {
            throw new UserErrorException($"Database {name} already exists. Choose another name.");
        }

        var clientId = request.ClientId ?? Guid.NewGuid().ToString();
        if (!Guid.TryParse(clientId, out _))
        {
            throw new UserErrorException($"client_id '{clientId}' is not a UUID.");
        }

        var template = plan.TemplateDatabase ?? throw new UserErrorException($"Plan '{plan.Name}' has no template database yet.");
        // The server is chosen before the copy, which then goes straight onto it (docs/operations.md, several servers).
        var serverId = await ServerChoice.ChooseAsync(portal, plan.ServerId, cancellationToken);
        if (databases.Server is PlacedDatabaseServer placed)
        {
            await placed.Placement.AssignAsync(name, serverId, cancellationToken);
        }

        timings.Mark("name");

        // Argon2id is memory-hard by design and the largest fixed cost of a creation: it runs on the thread pool
        // while the template is copied. Without an owner password nobody signs in with one (the hash stays empty).
        var ownerHash = request.OwnerPassword is { } ownerPassword ? PasswordHasher.HashAsync(ownerPassword, orm().Settings.PasswordHashing) : null;
        // Journalled before the copy: a crash from here on leaves an entry naming the database, from which the crash
        // recovery drops the copy if the portal never recorded it (Recovery/CrashRecovery.cs).
        var pending = await operations.BeginAsync(portal, OperationNames.CreateDatabase, name, cancellationToken, clientUuid: clientId, template: template);
        try
        {
            // The copy's identity (database.uuid, database.create_date) is written below with the rest of its set-up.
            await databases.DuplicateAsync(template, name, resetIdentity: false, cancellationToken);
        }
        catch (DatabaseExistsException)
        {
            // Taken by a concurrent creation: that database is not ours, and nothing was done.
            pending.Close();
            throw new UserErrorException($"Database {name} already exists. Choose another name.");
        }
        catch (DatabaseNotFoundException)
        {
            pending.Close();
            throw new UserErrorException($"The template database {template} of plan '{plan.Name}' does not exist.");
        }

        timings.Mark("copy");
        try
        {
            var passwordHash = ownerHash is null ? null : await ownerHash;
            timings.Mark("owner_hash_wait");
            var now = time.GetUtcNow().UtcDateTime;
            var expires = plan.ExpirationHours > 0 ? now.AddHours(plan.ExpirationHours) : (DateTime?)null;
            var setUp = new TenantSetUpRequest(clientId, owner, passwordHash, request.Trial, plan, now, expires);
            var tenant = await orm().RunAsync(name, OrmEnvironment.SuperuserId, write: true,
                env => SetUpTenantAsync(env, setUp, timings, cancellationToken), cancellationToken);
            timings.Mark("tenant_commit");
            // A fresh copy is as large as its template (give or take the owner's row): the template's figure, which
            // StorageUsage keeps for a few seconds, spares a measurement of every new database.
            var (databaseBytes, fileBytes) = await storage.MeasureAsync(template, cancellationToken);
            timings.Mark("storage");
            var record = await clients.CreateAsync(Wire.Values(
                ("name", name), ("client_id", clientId), ("plan_id", plan.Id), ("partner_id", owner.PartnerId),
                ("server_id", serverId ?? (object)false), ("state", "open"),
                ("trial", request.Trial), ("expiration_datetime", expires is { } e ? Format(e) : false),
                ("max_users", plan.MaxUsers), ("total_storage_limit", plan.StorageLimitMegabytes), ("users_len", tenant.InternalUsers),
                ("db_storage", StorageUsage.ToMegabytes(databaseBytes)), ("file_storage", StorageUsage.ToMegabytes(fileBytes)),
                ("last_sync", Format(time.GetUtcNow().UtcDateTime))), cancellationToken);
            await operations.RecordDoneAsync(portal, pending, record.Id, cancellationToken);
            timings.Mark("client_record");

            var secret = await PortalSecret.GetAsync(portal, cancellationToken);
            var token = tokens.Issue(secret, name, clientId, owner.PortalUserId ?? portal.Uid);
            var tenantUrl = await TenantUrls.BaseUrlAsync(portal, name, cancellationToken);
            var portalUrl = await TenantUrls.PortalUrlAsync(portal, cancellationToken);
            timings.Mark("token_urls");
            return new ProvisioningResult(
                record.Id, clientId, name, "open",
                Url: $"{tenantUrl}/saas_client/sso?access_token={Uri.EscapeDataString(token)}",
                AuthUrl: $"{portalUrl}/oauth2/auth?client_id={Uri.EscapeDataString(clientId)}&response_type=code&redirect_uri={Uri.EscapeDataString(tenantUrl + "/saas_client/sso")}");
        }
        catch (Exception e)
        {
            pending.Fail(e);
            await databases.DropAsync(name, CancellationToken.None);
            storage.Forget(name);
            throw;
        }
    }

    private static async Task<TenantSetUp> SetUpTenantAsync(OrmEnvironment env, TenantSetUpRequest setUp, StepTimings timings, CancellationToken cancellationToken)
    {
        timings.Mark("tenant_open");
        var employee = await env.RefAsync("base.group_user", cancellationToken) ?? throw new UserErrorException("The template lacks base.group_user.");
        var contactCreation = await env.RefAsync("base.group_partner_manager", cancellationToken)
            ?? throw new UserErrorException("The template lacks base.group_partner_manager.");
        var owner = setUp.Owner;
        var ownerUser = await env["res.users"].CreateAsync(Wire.Values(
            ("login", owner.Login), ("name", owner.Name), ("email", (object?)owner.Email ?? false),
            ("groups_id", new List<object?> { new List<object?> { 6, 0, new List<object?> { employee, contactCreation } } })), cancellationToken);
        if (setUp.PasswordHash is { } hash)
        {
            await StorePasswordHashAsync(env, ownerUser.Id, hash, cancellationToken);
        }

        timings.Mark("owner_user");

        var plan = setUp.Plan;
        var parameters = new List<ConfigParameter>
        {
            new(SaasParameters.DatabaseUuid, setUp.ClientId, Hidden: false),
            new("database.create_date", Format(setUp.Now), Hidden: false),
            new(SaasParameters.Owner, ownerUser.Id.ToString(CultureInfo.InvariantCulture), Hidden: true),
            new(SaasParameters.Suspended, "0", Hidden: true),
            new(SaasParameters.MaxUsers, plan.MaxUsers.ToString(CultureInfo.InvariantCulture), Hidden: true),
            new(SaasParameters.TotalStorageLimit, plan.StorageLimitMegabytes.ToString(CultureInfo.InvariantCulture), Hidden: true),
            new(SaasParameters.Trial, setUp.Trial ? "True" : "False", Hidden: true),
            new(SaasParameters.ExpirationDatetime, setUp.Expires is { } e ? Format(e) : "", Hidden: true),
        };
        if (owner.PortalUserId is { } portalUser)
        {
            parameters.Add(new("saas_client.owner_portal_user_id", portalUser.ToString(CultureInfo.InvariantCulture), Hidden: true));
        }

        await ConfigParameters.SetManyAsync(env, parameters, cancellationToken);
        timings.Mark("params");
        var internalUsers = await TenantUsage.CountInternalUsersAsync(env, cancellationToken);
        timings.Mark("count_users");
        return new TenantSetUp(ownerUser.Id, internalUsers);
    }

    /// <summary>
    /// Stores an Argon2id hash computed ahead (in parallel with the copy) as the user's password, in the call's
    /// transaction. The ORM writes the hash column only from a clear password; this is the same statement with the
    /// hash already made.
    /// </summary>
    private static async Task StorePasswordHashAsync(OrmEnvironment env, int userId, string hash, CancellationToken cancellationToken)
    {
        var dialect = env.Transaction.Dialect;
        await using var command = env.Transaction.Connection.CreateCommand();
        command.Transaction = env.Transaction.Transaction;
        command.CommandText = $"UPDATE \"res_users\" SET \"password_crypt\" = {dialect.Parameter(0)} WHERE \"id\" = {dialect.Parameter(1)}";
        dialect.AddParameter(command, 0, hash);
        dialect.AddParameter(command, 1, userId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<OwnerIdentity> ResolveOwnerAsync(OrmEnvironment portal, ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var manager = portal.IsSuperuser || await IsManagerAsync(portal, cancellationToken);
        var sudo = portal.Sudo();
        if (!manager)
        {
            // A customer creates databases for themself only.
            if ((request.UserId is { } u && u != portal.Uid) || (request.PartnerId is { } p && p != await PartnerOfAsync(sudo, portal.Uid, cancellationToken)))
            {
                throw new AccessErrorException("Only portal managers create databases for other users.");
            }
        }

        var userId = request.UserId ?? (manager ? null : portal.Uid);
        if (userId is { } uid)
        {
            var rows = await sudo["res.users"].Browse(uid).ExistsAsync(cancellationToken);
            if (rows.Count == 0)
            {
                throw new UserErrorException($"User {uid} does not exist on the portal.");
            }

            var user = (await rows.ReadAsync(["login", "name", "email", "partner_id"], cancellationToken))[0];
            return new OwnerIdentity(Wire.Text(user["login"])!, Wire.Text(user["name"]) ?? Wire.Text(user["login"])!, Wire.Text(user["email"]),
                Wire.Many2oneId(user["partner_id"]) ?? 0, uid);
        }

        if (request.PartnerId is { } partnerId)
        {
            var partners = await sudo["res.partner"].Browse(partnerId).ExistsAsync(cancellationToken);
            if (partners.Count == 0)
            {
                throw new UserErrorException($"Partner {partnerId} does not exist on the portal.");
            }

            var partner = (await partners.ReadAsync(["name", "email"], cancellationToken))[0];
            var email = Wire.Text(partner["email"]) ?? throw new UserErrorException("The partner has no e-mail address to serve as the owner's login.");
            return new OwnerIdentity(email, Wire.Text(partner["name"]) ?? email, email, partnerId, null);
        }

        throw new UserErrorException("Give user_id or partner_id: the new database needs an owner.");
    }

    private static async Task<int?> PartnerOfAsync(OrmEnvironment sudo, int uid, CancellationToken cancellationToken) =>
        Wire.Many2oneId(await sudo["res.users"].Browse(uid).GetAsync("partner_id", cancellationToken));

    private static async Task<bool> IsManagerAsync(OrmEnvironment portal, CancellationToken cancellationToken) =>
        Wire.Bool(await portal.Sudo().CallAsync("res.users", "has_group", [new List<object?> { portal.Uid }, ManagerGroup], null, cancellationToken));

    private static async Task CheckPartnerLimitsAsync(OrmEnvironment portal, PlanSnapshot plan, int partnerId, bool trial, CancellationToken cancellationToken)
    {
        var clients = portal.Sudo()["saas_portal.client"];
        if (plan.MaxDatabasesPerPartner > 0 && await clients.SearchCountAsync(Wire.Domain(
                ("plan_id", "=", plan.Id), ("partner_id", "=", partnerId), ("state", "!=", "deleted")), cancellationToken) >= plan.MaxDatabasesPerPartner)
        {
            throw new UserErrorException($"Limit of databases for this plan is {plan.MaxDatabasesPerPartner} reached");
        }

        if (trial && plan.MaxTrialDatabasesPerPartner > 0 && await clients.SearchCountAsync(Wire.Domain(
                ("plan_id", "=", plan.Id), ("partner_id", "=", partnerId), ("trial", "=", true), ("state", "!=", "deleted")), cancellationToken)
            >= plan.MaxTrialDatabasesPerPartner)
        {
            throw new UserErrorException($"Limit of trial databases for this plan is {plan.MaxTrialDatabasesPerPartner} reached");
        }
    }

    private async Task<string> GenerateNameAsync(OrmEnvironment portal, PlanSnapshot plan, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(plan.DatabaseNamePattern))
        {
            throw new UserErrorException("Template for db name is not configured");
        }

        // Each plan counts on its own, so a pattern starts at 001; names already taken (by hand, or by a rename) are
        // skipped rather than refused. The counter moves with the call's transaction: a failed creation gives its
        // number back.
        var key = $"{SequenceKey}.{plan.Id.ToString(CultureInfo.InvariantCulture)}";
        var current = long.TryParse(await ConfigParameters.GetAsync(portal, key, cancellationToken), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
        var clients = portal.Sudo()["saas_portal.client"];
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var name = DatabaseNamePattern.Expand(plan.DatabaseNamePattern, ++current);
            if (!DatabaseName.IsValid(name))
            {
                throw new UserErrorException($"The plan's DB Names pattern '{plan.DatabaseNamePattern}' gives the invalid database name '{name}'.");
            }

            if (await clients.SearchCountAsync(Wire.Domain(("name", "=", name)), cancellationToken) == 0 && !await databases.ExistsAsync(name, cancellationToken))
            {
                await ConfigParameters.SetAsync(portal, key, current.ToString(CultureInfo.InvariantCulture), hidden: true, cancellationToken);
                return name;
            }
        }

        throw new UserErrorException($"The plan's DB Names pattern '{plan.DatabaseNamePattern}' found no free name in 1000 tries.");
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "create_new_database {Database} timings: {Timings}")]
    private static partial void LogTimings(ILogger logger, string database, StepTimings timings);

    private static string Format(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private sealed record OwnerIdentity(string Login, string Name, string? Email, int PartnerId, int? PortalUserId);

    private sealed record TenantSetUp(int OwnerId, int InternalUsers);

    private sealed record TenantSetUpRequest(string ClientId, OwnerIdentity Owner, string? PasswordHash, bool Trial, PlanSnapshot Plan, DateTime Now, DateTime? Expires);
}

/// <summary>What a creation asks for, after the wire arguments were read.</summary>
public sealed record ProvisioningRequest
{
    public required PlanSnapshot Plan { get; init; }

    public string? DatabaseName { get; init; }

    public string? ClientId { get; init; }

    public int? PartnerId { get; init; }

    public int? UserId { get; init; }

    public bool Trial { get; init; }

    public string? OwnerPassword { get; init; }
}

/// <summary>What <c>create_new_database</c> returns.</summary>
public sealed record ProvisioningResult(int ClientRecordId, string ClientId, string Database, string State, string Url, string AuthUrl);
