using SaasPortal.Orm.Methods;
using SaasPortal.Saas.Portal;

namespace SaasPortal.Saas.Recovery;

/// <summary>
/// <c>saas_portal.client.backup_database</c> with a journal entry around <see cref="ClientOperations.BackupDatabaseAsync"/>,
/// so a backup cut short by a crash shows as a failed <c>saas_portal.operation</c> and a finished one as done. The
/// archive itself is built in memory and returned over RPC: a crash leaves no file behind.
/// </summary>
public sealed class JournalledBackups(ClientOperations operations, OperationTracker tracker)
{
    private const string ClientModel = "saas_portal.client";

    /// <summary>The model method.</summary>
    public async Task<object?> BackupDatabaseAsync(MethodCall call)
    {
        var ct = call.CancellationToken;
        // Refusals (rights, ids) are the inner method's: only a backup that is going to run gets an entry.
        await PortalRoles.EnsureManagerAsync(call.Env, "back up client databases", ct);
        var ids = SaasPortal.Orm.Records.Values.ToIds(call.Bind(Parameter.Required("ids"))[0], "ids");
        var clients = ids.Count == 1 ? await call.Env.Sudo()[ClientModel].Browse(ids[0]).ExistsAsync(ct) : null;
        if (clients is not { Count: 1 } || await clients.GetAsync("state", ct) is "deleted")
        {
            return await operations.BackupDatabaseAsync(call);
        }

        var database = Wire.Text(await clients.GetAsync("name", ct))!;
        var pending = await tracker.BeginAsync(call.Env, OperationNames.BackupDatabase, database, ct, clientRecordId: clients.Id);
        object? archive;
        try
        {
            archive = await operations.BackupDatabaseAsync(call);
        }
        catch (Exception e)
        {
            pending.Fail(e);
            throw;
        }

        await tracker.RecordDoneAsync(call.Env, pending, clients.Id, ct);
        return archive;
    }
}
