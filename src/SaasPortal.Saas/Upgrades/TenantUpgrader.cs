using System.Globalization;
using SaasPortal.Orm;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Methods;
using SaasPortal.Orm.Service;
using SaasPortal.Saas.Governance;
using SaasPortal.Saas.Provisioning;
using SaasPortal.Saas.Recovery;

namespace SaasPortal.Saas.Upgrades;

/// <summary>
/// <c>saas.config.do_upgrade_database(data, client_id)</c> and <c>saas_portal.client.upgrade([id], data)</c>:
/// applies an upgrade payload to one tenant, in the original tools' order, and mirrors what it changed onto the
/// portal's client record. Only portal managers (and the superuser) may call it.
/// </summary>
public sealed class TenantUpgrader(Func<OrmService> orm, ITenantModules modules, StorageUsage storage, Func<OperationTracker> operations, TimeProvider time)
{
    /// <summary>The model method on saas.config.</summary>
    public Task<object?> DoUpgradeDatabaseAsync(MethodCall call)
    {
        var a = call.Bind(Parameter.Required("data"), Parameter.Required("client_id"));
        var clientIds = SaasPortal.Orm.Records.Values.ToIds(a[1], "client_id");
        return RunForOneAsync(call.Env, clientIds, a[0], call.CancellationToken);
    }

    /// <summary>The model method on saas_portal.client.</summary>
    public Task<object?> UpgradeAsync(MethodCall call)
    {
        var a = call.Bind(Parameter.Required("ids"), Parameter.Required("payload"));
        return RunForOneAsync(call.Env, SaasPortal.Orm.Records.Values.ToIds(a[0]), a[1], call.CancellationToken);
    }

    private async Task<object?> RunForOneAsync(OrmEnvironment portal, IReadOnlyList<int> clientIds, object? data, CancellationToken cancellationToken)
    {
        await EnsureManagerAsync(portal, cancellationToken);
        var request = UpgradeRequest.Parse(data);
        var results = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var clientId in clientIds)
        {
            var clients = await portal.Sudo()["saas_portal.client"].Browse(clientId).ExistsAsync(cancellationToken);
            if (clients.Count == 0)
            {
                throw new UserErrorException($"Client {clientId} does not exist.");
            }

            var database = Wire.Text(await clients.GetAsync("name", cancellationToken))!;
            // Each step commits in the tenant on its own: the journal entry records how far it got, for the portal's
            // failure report if the server dies half-way (Recovery/CrashRecovery.cs).
            var pending = await operations().BeginAsync(portal, OperationNames.UpgradeDatabase, database, cancellationToken, clientRecordId: clients.Id);
            try
            {
                results[database] = await ApplyAsync(portal, clients.Id, database, request, cancellationToken, pending);
            }
            catch (Exception e)
            {
                pending.Fail(e);
                throw;
            }

            await operations().RecordDoneAsync(portal, pending, clients.Id, cancellationToken);
        }

        return results;
    }

    /// <summary>Applies <paramref name="request"/> to <paramref name="database"/> and returns what happened per key.</summary>
    /// <remarks><paramref name="pending"/> is the operation's journal entry, told of each step once it committed; null for a plain synchronisation.</remarks>
    public async Task<Dictionary<string, object?>> ApplyAsync(OrmEnvironment portal, int clientRecordId, string database, UpgradeRequest request,
        CancellationToken cancellationToken, PendingOperation? pending = null)
    {
        async Task StepAsync(string step)
        {
            if (pending is not null)
            {
                await pending.StepAsync(step, cancellationToken);
            }
        }

        var report = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (request.UpdateAddonsList)
        {
            report["update_addons_list"] = await modules.UpdateListAsync(database, cancellationToken);
            await StepAsync("update_addons_list");
        }

        if (request.UpdateAddons.Count > 0)
        {
            report["update_addons"] = await modules.UpgradeAsync(database, request.UpdateAddons, cancellationToken);
            await StepAsync("update_addons");
        }

        if (request.InstallAddons.Count > 0)
        {
            report["install_addons"] = await modules.InstallAsync(database, request.InstallAddons, cancellationToken);
            await StepAsync("install_addons");
        }

        if (request.UninstallAddons.Count > 0)
        {
            report["uninstall_addons"] = await modules.UninstallAsync(database, request.UninstallAddons, cancellationToken);
            await StepAsync("uninstall_addons");
        }

        var tenantReport = await orm().RunAsync(database, OrmEnvironment.SuperuserId, write: true,
            env => ApplyInTenantAsync(env, request, cancellationToken), cancellationToken);
        await StepAsync("tenant");
        foreach (var (key, value) in tenantReport.Report)
        {
            report[key] = value;
        }

        await MirrorAsync(portal, clientRecordId, database, tenantReport.Usage, cancellationToken);
        return report;
    }

    private static async Task<(Dictionary<string, object?> Report, TenantSnapshot Usage)> ApplyInTenantAsync(OrmEnvironment env, UpgradeRequest request,
        CancellationToken cancellationToken)
    {
        var report = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (request.Fixes.Count > 0)
        {
            var done = new List<object?>();
            foreach (var (model, method) in request.Fixes)
            {
                await env.CallAsync(model, method, [], null, cancellationToken);
                done.Add($"{model}.{method}");
            }

            report["fixes"] = done;
        }

        if (request.Params.Count > 0)
        {
            foreach (var change in request.Params)
            {
                await ConfigParameters.SetAsync(env, change.Key, change.Value, change.Hidden, cancellationToken);
            }

            report["params"] = request.Params.Select(p => (object?)p.Key).ToList();
        }

        if (request.AccessOwnerAdd.Count > 0)
        {
            report["access_owner_add"] = await AddOwnerToGroupsAsync(env, request.AccessOwnerAdd, cancellationToken);
        }

        if (request.AccessRemove.Count > 0)
        {
            report["access_remove"] = await RemoveEveryoneFromGroupsAsync(env, request.AccessRemove, cancellationToken);
        }

        var parameters = await GovernanceParameters.ReadAsync(env, cancellationToken);
        var trial = await ConfigParameters.GetAsync(env, SaasParameters.Trial, cancellationToken);
        var users = await TenantUsage.CountInternalUsersAsync(env, cancellationToken);
        return (report, new TenantSnapshot(parameters, trial is "True" or "1", users));
    }

    private static async Task<object?> AddOwnerToGroupsAsync(OrmEnvironment env, IReadOnlyList<string> groups, CancellationToken cancellationToken)
    {
        var owner = int.TryParse(await ConfigParameters.GetAsync(env, SaasParameters.Owner, cancellationToken), NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)
            ? id
            : (int?)null;
        if (owner is null || (await env["res.users"].Browse(owner.Value).ExistsAsync(cancellationToken)).Count == 0)
        {
            return new Dictionary<string, object?> { ["owner_id"] = "Owner's user is not found" };
        }

        var outcome = new List<object?>();
        foreach (var xmlId in groups)
        {
            if (await env.RefAsync(xmlId, cancellationToken) is { } groupId)
            {
                await env["res.users"].Browse(owner.Value).WriteAsync(Wire.Values(("groups_id", new List<object?> { new List<object?> { 4, groupId } })), cancellationToken);
                outcome.Add($"added to {xmlId}");
            }
            else
            {
                outcome.Add($"group not found: {xmlId}");
            }
        }

        return outcome;
    }

    private static async Task<object?> RemoveEveryoneFromGroupsAsync(OrmEnvironment env, IReadOnlyList<string> groups, CancellationToken cancellationToken)
    {
        var outcome = new List<object?>();
        foreach (var xmlId in groups)
        {
            if (await env.RefAsync(xmlId, cancellationToken) is not { } groupId)
            {
                outcome.Add($"group not found: {xmlId}");
                continue;
            }

            var members = Wire.Ids(await env["res.groups"].Browse(groupId).GetAsync("users", cancellationToken))
                .Where(uid => uid != OrmEnvironment.SuperuserId).ToList();
            if (members.Count > 0)
            {
                var unlinks = members.Select(uid => (object?)new List<object?> { 3, uid }).ToList();
                await env["res.groups"].Browse(groupId).WriteAsync(Wire.Values(("users", unlinks)), cancellationToken);
            }

            outcome.Add($"{members.Count} users removed from {xmlId}");
        }

        return outcome;
    }

    /// <summary>Copies the governance parameters and usage onto the portal's client record, so it is current after every change.</summary>
    private async Task MirrorAsync(OrmEnvironment portal, int clientRecordId, string database, TenantSnapshot tenant, CancellationToken cancellationToken)
    {
        storage.Forget(database);
        var (databaseBytes, fileBytes) = await storage.MeasureAsync(database, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var expired = tenant.Parameters.ExpiresUtc is { } expires && expires <= now;
        await portal.Sudo()["saas_portal.client"].Browse(clientRecordId).WriteAsync(Wire.Values(
            ("suspended", tenant.Parameters.Suspended),
            ("expired", expired),
            ("state", tenant.Parameters.Suspended || expired ? "pending" : "open"),
            ("max_users", tenant.Parameters.MaxUsers),
            ("total_storage_limit", tenant.Parameters.StorageLimitMegabytes),
            ("expiration_datetime", tenant.Parameters.ExpiresUtc is { } e ? e.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : false),
            ("trial", tenant.Trial),
            ("users_len", tenant.InternalUsers),
            ("db_storage", StorageUsage.ToMegabytes(databaseBytes)),
            ("file_storage", StorageUsage.ToMegabytes(fileBytes)),
            ("last_sync", now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))), cancellationToken);
    }

    private static async Task EnsureManagerAsync(OrmEnvironment portal, CancellationToken cancellationToken)
    {
        if (portal.IsSuperuser)
        {
            return;
        }

        var manager = Wire.Bool(await portal.Sudo().CallAsync("res.users", "has_group",
            [new List<object?> { portal.Uid }, DatabaseProvisioner.ManagerGroup], null, cancellationToken));
        if (!manager)
        {
            throw new AccessErrorException("Only portal managers may change client databases.");
        }
    }

    private sealed record TenantSnapshot(GovernanceParameters Parameters, bool Trial, int InternalUsers);
}
