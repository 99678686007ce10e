using System.Globalization;
using SaasPortal.Orm;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Methods;
using SaasPortal.Orm.Service;
using SaasPortal.Saas.Domains;
using SaasPortal.Saas.Governance;
using SaasPortal.Saas.Upgrades;
using SaasPortal.Storage.Databases;

namespace SaasPortal.Saas.Portal;

/// <summary>
/// A client's database seen from the portal: delete, rename, duplicate, back up and synchronise, each keeping the
/// client record and the tenant database consistent. The portal record is written first, inside the call's
/// transaction, and the database operation runs last, so a failing operation rolls the record back with it.
/// Managers only.
/// </summary>
public sealed class ClientOperations(Func<OrmService> orm, DatabaseManager databases, TenantUpgrader upgrader, StorageUsage storage, DomainDirectory domains, TimeProvider time)
{
    private const string Model = "saas_portal.client";

    /// <summary><c>delete_database([ids])</c>: drops each tenant and marks its client deleted.</summary>
    public async Task<object?> DeleteDatabaseAsync(MethodCall call)
    {
        var ids = SaasPortal.Orm.Records.Values.ToIds(call.Bind(Parameter.Required("ids"))[0], "ids");
        await PortalRoles.EnsureManagerAsync(call.Env, "delete client databases", call.CancellationToken);
        foreach (var client in await ClientsAsync(call.Env, ids, call.CancellationToken))
        {
            await DeleteAsync(call.Env, client, call.CancellationToken);
        }

        return true;
    }

    /// <summary><c>rename_database([id], new_name)</c>: renames the tenant and its client record.</summary>
    public async Task<object?> RenameDatabaseAsync(MethodCall call)
    {
        var a = call.Bind(Parameter.Required("ids"), Parameter.Required("new_name"));
        var ct = call.CancellationToken;
        await PortalRoles.EnsureManagerAsync(call.Env, "rename client databases", ct);
        var client = await SingleLiveClientAsync(call.Env, a[0], ct);
        var target = await FreeNameAsync(call.Env, Wire.Text(a[1]), ct);
        await call.Env.Sudo()[Model].Browse(client.Id).WriteAsync(Wire.Values(("name", target)), ct);
        try
        {
            await databases.RenameAsync(client.Name, target, ct);
        }
        catch (DatabaseExistsException)
        {
            throw Taken(target);
        }
        catch (DatabaseNotFoundException)
        {
            throw new UserErrorException($"The database {client.Name} of this client does not exist.");
        }

        Forget(client.Name);
        return true;
    }

    /// <summary><c>duplicate_database([id], new_name)</c>: copies the tenant under a new identity and records the copy as a new client.</summary>
    public async Task<object?> DuplicateDatabaseAsync(MethodCall call)
    {
        var a = call.Bind(Parameter.Required("ids"), Parameter.Required("new_name"));
        var ct = call.CancellationToken;
        await PortalRoles.EnsureManagerAsync(call.Env, "duplicate client databases", ct);
        return await DuplicateAsync(call.Env, a[0], Wire.Text(a[1]), ct);
    }

    /// <summary>
    /// Copies the one live client in <paramref name="ids"/> to <paramref name="newName"/> (checked and free) under a
    /// new identity, records the copy as a new client and returns <c>{id, client_id, name}</c>. The caller checks rights.
    /// </summary>
    public async Task<Dictionary<string, object?>> DuplicateAsync(OrmEnvironment portal, object? ids, string? newName, CancellationToken ct)
    {
        var client = await SingleLiveClientAsync(portal, ids, ct);
        var target = await FreeNameAsync(portal, newName, ct);
        try
        {
            await databases.DuplicateAsync(client.Name, target, ct);
        }
        catch (DatabaseExistsException)
        {
            throw Taken(target);
        }

        try
        {
            var clientId = Guid.NewGuid().ToString();
            await orm().RunAsync(target, OrmEnvironment.SuperuserId, write: true, async env =>
            {
                await ConfigParameters.SetAsync(env, SaasParameters.DatabaseUuid, clientId, hidden: false, ct);
                return true;
            }, ct);
            var source = (await portal.Sudo()[Model].Browse(client.Id).ReadAsync(
                ["plan_id", "partner_id", "server_id", "trial", "expiration_datetime", "expired", "suspended", "max_users", "total_storage_limit",
                 "users_len", "db_storage", "file_storage", "state"], ct))[0];
            var copy = await portal.Sudo()[Model].CreateAsync(Wire.Values(
                ("name", target), ("client_id", clientId), ("plan_id", Wire.Many2oneId(source["plan_id"]) ?? (object)false),
                ("partner_id", Wire.Many2oneId(source["partner_id"]) ?? (object)false), ("server_id", Wire.Many2oneId(source["server_id"]) ?? (object)false),
                ("trial", source["trial"]), ("expiration_datetime", source["expiration_datetime"]), ("expired", source["expired"]),
                ("suspended", source["suspended"]), ("max_users", source["max_users"]), ("total_storage_limit", source["total_storage_limit"]),
                ("users_len", source["users_len"]), ("db_storage", source["db_storage"]), ("file_storage", source["file_storage"]),
                ("state", source["state"]), ("last_sync", Format(time.GetUtcNow().UtcDateTime))), ct);
            return new Dictionary<string, object?>(StringComparer.Ordinal) { ["id"] = copy.Id, ["client_id"] = clientId, ["name"] = target };
        }
        catch
        {
            await databases.DropAsync(target, CancellationToken.None);
            Forget(target);
            throw;
        }
    }

    /// <summary><c>backup_database([id])</c>: the tenant's backup zip (database, file store, manifest) as base64.</summary>
    public async Task<object?> BackupDatabaseAsync(MethodCall call)
    {
        var a = call.Bind(Parameter.Required("ids"));
        var ct = call.CancellationToken;
        await PortalRoles.EnsureManagerAsync(call.Env, "back up client databases", ct);
        var client = await SingleLiveClientAsync(call.Env, a[0], ct);
        using var zip = new MemoryStream();
        await databases.DumpAsync(client.Name, zip, ct);
        return Convert.ToBase64String(zip.GetBuffer(), 0, (int)zip.Length);
    }

    /// <summary><c>sync_client([ids])</c>: refreshes state, limits, users and storage of each record from its tenant.</summary>
    public async Task<object?> SyncClientAsync(MethodCall call)
    {
        var ids = SaasPortal.Orm.Records.Values.ToIds(call.Bind(Parameter.Required("ids"))[0], "ids");
        await PortalRoles.EnsureManagerAsync(call.Env, "synchronise client records", call.CancellationToken);
        var synced = 0;
        foreach (var client in await ClientsAsync(call.Env, ids, call.CancellationToken))
        {
            synced += await SyncAsync(call.Env, client, call.CancellationToken) ? 1 : 0;
        }

        return synced;
    }

    /// <summary><c>run_expiry_job()</c>: the periodic job's expiry pass, callable by managers (and tests) at any time.</summary>
    public async Task<object?> RunExpiryJobAsync(MethodCall call)
    {
        call.Bind(Parameter.Optional("ids"));
        await PortalRoles.EnsureManagerAsync(call.Env, "run the expiry job", call.CancellationToken);
        var (pending, deleted) = await ExpireAsync(call.Env, call.CancellationToken);
        return new Dictionary<string, object?>(StringComparer.Ordinal) { ["pending"] = pending, ["deleted"] = deleted };
    }

    /// <summary>Synchronises every live client; returns how many were reachable.</summary>
    public async Task<int> SyncAllAsync(OrmEnvironment portal, CancellationToken cancellationToken)
    {
        var ids = (await portal.Sudo()[Model].SearchAsync(Wire.Domain(("state", "!=", "deleted")), cancellationToken)).Ids;
        var synced = 0;
        foreach (var client in await ClientsAsync(portal, ids, cancellationToken))
        {
            synced += await SyncAsync(portal, client, cancellationToken) ? 1 : 0;
        }

        return synced;
    }

    /// <summary>
    /// Marks clients past their expiration pending and expired, and deletes trial databases whose plan's grace period
    /// (days after expiry) is over. Returns the names marked pending and the names deleted.
    /// </summary>
    public async Task<(List<object?> Pending, List<object?> Deleted)> ExpireAsync(OrmEnvironment portal, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var clients = portal.Sudo()[Model];
        var due = await clients.SearchAsync(Wire.Domain(
            ("state", "!=", "deleted"), ("expiration_datetime", "!=", false), ("expiration_datetime", "<=", Format(now))), cancellationToken);
        List<object?> pending = [], deleted = [];
        foreach (var row in await due.ReadAsync(["name", "trial", "expiration_datetime", "plan_id", "state", "staging_of_id"], cancellationToken))
        {
            var client = new ClientRow((int)row["id"]!, Wire.Text(row["name"])!);
            var expires = GovernanceParameters.ParseDatetime(Wire.Text(row["expiration_datetime"])) ?? now;
            var grace = Wire.Many2oneId(row["plan_id"]) is { } plan
                ? Wire.Integer(await portal.Sudo()["saas_portal.plan"].Browse(plan).GetAsync("grace_period", cancellationToken))
                : 0;
            // A staging copy is a throw-away: it goes at its expiry, without the plan's grace period.
            if (Wire.Many2oneId(row["staging_of_id"]) is not null || (Wire.Bool(row["trial"]) && expires.AddDays(grace) <= now))
            {
                await DeleteAsync(portal, client, cancellationToken);
                deleted.Add(client.Name);
            }
            else if (Wire.Text(row["state"]) != "pending")
            {
                await clients.Browse(client.Id).WriteAsync(Wire.Values(("state", "pending"), ("expired", true)), cancellationToken);
                pending.Add(client.Name);
            }
        }

        return (pending, deleted);
    }

    private async Task DeleteAsync(OrmEnvironment portal, ClientRow client, CancellationToken cancellationToken)
    {
        await portal.Sudo()[Model].Browse(client.Id).WriteAsync(Wire.Values(("state", "deleted")), cancellationToken);
        await databases.DropAsync(client.Name, cancellationToken);
        Forget(client.Name);
    }

    private async Task<bool> SyncAsync(OrmEnvironment portal, ClientRow client, CancellationToken cancellationToken)
    {
        if (!await databases.ExistsAsync(client.Name, cancellationToken))
        {
            return false;
        }

        await upgrader.ApplyAsync(portal, client.Id, client.Name, UpgradeRequest.Parse(new Dictionary<string, object?>()), cancellationToken);
        return true;
    }

    private void Forget(string database)
    {
        storage.Forget(database);
        // Custom domains route to a client's current name: a renamed or dropped tenant changes where they point.
        domains.Invalidate();
        orm().ForgetDatabase(database);
    }

    private async Task<string> FreeNameAsync(OrmEnvironment portal, string? name, CancellationToken cancellationToken)
    {
        if (name is null || !DatabaseName.IsValid(name))
        {
            throw new UserErrorException(
                $"Invalid database name '{name}': use at most {DatabaseName.MaxLength} lowercase letters, digits, '-', '_' or '.', starting with a letter or digit.");
        }

        if (await portal.Sudo()[Model].SearchCountAsync(Wire.Domain(("name", "=", name)), cancellationToken) > 0 ||
            await databases.ExistsAsync(name, cancellationToken))
        {
            throw Taken(name);
        }

        // A custom domain already routes to its client: a database of that name could never be reached by it.
        if (await portal.Sudo()[DomainOperations.Model].SearchCountAsync(Wire.Domain(("name", "=", name), ("state", "=", "verified")), cancellationToken) > 0)
        {
            throw new UserErrorException($"{name} is a custom domain of a database on this portal. Choose another name.");
        }

        return name;
    }

    private async Task<ClientRow> SingleLiveClientAsync(OrmEnvironment portal, object? ids, CancellationToken cancellationToken)
    {
        var clients = await ClientsAsync(portal, SaasPortal.Orm.Records.Values.ToIds(ids, "ids"), cancellationToken);
        if (clients.Count != 1)
        {
            throw new UserErrorException("This operation works on exactly one client.");
        }

        if (await portal.Sudo()[Model].Browse(clients[0].Id).GetAsync("state", cancellationToken) is "deleted")
        {
            throw new UserErrorException($"The database {clients[0].Name} was deleted.");
        }

        return clients[0];
    }

    private static async Task<List<ClientRow>> ClientsAsync(OrmEnvironment portal, IReadOnlyList<int> ids, CancellationToken cancellationToken)
    {
        var found = await portal.Sudo()[Model].Browse([.. ids]).ExistsAsync(cancellationToken);
        if (found.Count != ids.Distinct().Count())
        {
            throw new UserErrorException("Some of these clients do not exist.");
        }

        return [.. (await found.ReadAsync(["name"], cancellationToken)).Select(row => new ClientRow((int)row["id"]!, Wire.Text(row["name"])!))];
    }

    private static UserErrorException Taken(string name) => new($"Database {name} already exists. Choose another name.");

    private static string Format(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private sealed record ClientRow(int Id, string Name);
}
