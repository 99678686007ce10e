using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SaasPortal.Orm;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Service;
using SaasPortal.Saas.Governance;
using SaasPortal.Storage.Databases;
using SaasPortal.Storage.Placement;

namespace SaasPortal.Saas.Cluster;

/// <summary>
/// Moves a tenant from one PostgreSQL server to another and drains servers. A move blocks the tenant (its
/// <see cref="SaasParameters.Moving"/> flag, which governance refuses every call on), ends its sessions so nothing
/// begun before the block commits later, copies it (<c>pg_dump | pg_restore</c>), clears the flag in the copy,
/// records the new server in the portal (its own committed transaction: other nodes follow it), and drops the old
/// copy. Until the portal records the new server, any failure drops the half-made copy and unblocks the tenant on
/// its old server. The file store is shared by every server and stays where it is.
/// </summary>
public sealed partial class TenantMover(Func<OrmService> orm, IDatabaseServer databases, StorageUsage storage, ILogger<TenantMover> logger)
{
    private const string Clients = "saas_portal.client";
    private const string Servers = "saas_portal.server";

    /// <summary>
    /// Moves client <paramref name="clientId"/> of portal <paramref name="portalDatabase"/> to server record
    /// <paramref name="targetServerId"/>, which must be open and have room. Runs its own portal transactions: callers
    /// must not hold a write lock on the client's record.
    /// </summary>
    public async Task<MoveResult> MoveAsync(string portalDatabase, int clientId, int targetServerId, CancellationToken cancellationToken)
    {
        var placed = Placed();
        var total = Stopwatch.StartNew();
        var (name, sourceId) = await ReadClientAsync(portalDatabase, clientId, cancellationToken);
        var (targetName, targetState, targetCapacity) = await ReadServerAsync(portalDatabase, targetServerId, cancellationToken);
        var sourceName = sourceId is { } s ? (await ReadServerAsync(portalDatabase, s, cancellationToken)).Name : "(none)";
        if (sourceId == targetServerId)
        {
            return new MoveResult(name, sourceName, targetName, Moved: false, TimeSpan.Zero, TimeSpan.Zero);
        }

        if (targetState != "open")
        {
            throw new UserErrorException($"Server {targetName} is {targetState}: it takes no new databases.");
        }

        if (!await orm().RunAsync(portalDatabase, OrmEnvironment.SuperuserId, write: false,
                env => ServerChoice.HasRoomAsync(env, targetServerId, targetCapacity, cancellationToken), cancellationToken))
        {
            throw new UserErrorException($"Server {targetName} is full ({targetCapacity} databases).");
        }

        await placed.Placement.RefreshAsync(cancellationToken);
        var from = placed.ServerFor(placed.Placement.Endpoint(sourceId));
        var to = placed.ServerFor(placed.Placement.Endpoint(targetServerId));
        if (ReferenceEquals(from, to))
        {
            throw new UserErrorException($"Servers {sourceName} and {targetName} are the same server for this installation.");
        }

        if (!await from.ExistsAsync(name, cancellationToken))
        {
            throw new UserErrorException($"The database {name} is not on its server {sourceName}.");
        }

        await SetMovingAsync(name, true, cancellationToken);
        var blocked = Stopwatch.StartNew();
        try
        {
            await from.TerminateSessionsAsync(name, cancellationToken);
            await to.CopyFromAsync(from, name, name, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await UnblockAfterFailureAsync(name, cancellationToken);
            throw new UserErrorException($"Moving {name} to server {targetName} failed; it stays on {sourceName}: {e.Message}");
        }

        var copied = blocked.Elapsed;
        try
        {
            await ClearMovingFlagAsync(to, name, cancellationToken);
            await orm().RunAsync(portalDatabase, OrmEnvironment.SuperuserId, write: true, async env =>
            {
                await env.Sudo()[Clients].Browse(clientId).WriteAsync(Wire.Values(("server_id", targetServerId)), cancellationToken);
                return true;
            }, cancellationToken);
        }
        catch (Exception e)
        {
            await DiscardAsync(to, name);
            await UnblockAfterFailureAsync(name, CancellationToken.None);
            if (e is OperationCanceledException)
            {
                throw;
            }

            throw new UserErrorException($"Moving {name} to server {targetName} failed; it stays on {sourceName}: {e.Message}");
        }

        // From here the portal says the new server: this node follows now, other nodes on their next miss or reload.
        await placed.Placement.AssignAsync(name, targetServerId, CancellationToken.None);
        var blockedFor = blocked.Elapsed;
        try
        {
            // Ends sessions of nodes that still open the old copy; their next call finds the database gone and reloads.
            await from.DropAsync(name, CancellationToken.None);
        }
        catch (Exception e)
        {
            // The old copy is still flagged as moving, so nothing can use it; it only takes space.
            LogOldCopyLeft(logger, name, sourceName, e.Message);
        }

        storage.Forget(name);
        orm().ForgetDatabase(name);
        LogMoved(logger, name, sourceName, targetName, copied.TotalSeconds, blockedFor.TotalSeconds);
        return new MoveResult(name, sourceName, targetName, Moved: true, blockedFor, total.Elapsed) { Copy = copied };
    }

    /// <summary>
    /// Marks server <paramref name="serverId"/> draining (it takes no new tenants from now on, on every node) and moves
    /// each of its live tenants to the open server with the fewest tenants. Returns the moves made; stops at the first
    /// failure (the tenant that failed stays where it was, working).
    /// </summary>
    public async Task<IReadOnlyList<MoveResult>> DrainAsync(string portalDatabase, int serverId, CancellationToken cancellationToken)
    {
        Placed();
        var clientIds = await orm().RunAsync(portalDatabase, OrmEnvironment.SuperuserId, write: true, async env =>
        {
            var servers = await env.Sudo()[Servers].Browse(serverId).ExistsAsync(cancellationToken);
            if (servers.Count == 0)
            {
                throw new UserErrorException($"Server {serverId} does not exist.");
            }

            await servers.WriteAsync(Wire.Values(("state", "draining")), cancellationToken);
            return (await env.Sudo()[Clients].SearchAsync(Wire.Domain(("server_id", "=", serverId), ("state", "!=", "deleted")), cancellationToken, order: "id")).Ids;
        }, cancellationToken);

        var moves = new List<MoveResult>();
        foreach (var clientId in clientIds)
        {
            var target = await orm().RunAsync(portalDatabase, OrmEnvironment.SuperuserId, write: false,
                env => ServerChoice.ChooseAsync(env, null, cancellationToken), cancellationToken)
                ?? throw new UserErrorException("No server is open to take the drained databases.");
            moves.Add(await MoveAsync(portalDatabase, clientId, target, cancellationToken));
        }

        return moves;
    }

    private PlacedDatabaseServer Placed() =>
        databases as PlacedDatabaseServer
        ?? throw new UserErrorException("Moving databases between servers needs the PostgreSQL backend (--db-backend postgres).");

    private async Task<(string Name, int? ServerId)> ReadClientAsync(string portal, int clientId, CancellationToken cancellationToken) =>
        await orm().RunAsync(portal, OrmEnvironment.SuperuserId, write: false, async env =>
        {
            var found = await env.Sudo()[Clients].Browse(clientId).ExistsAsync(cancellationToken);
            if (found.Count == 0)
            {
                throw new UserErrorException($"Client {clientId} does not exist.");
            }

            var row = (await found.ReadAsync(["name", "server_id", "state"], cancellationToken))[0];
            if (Wire.Text(row["state"]) == "deleted")
            {
                throw new UserErrorException($"The database {Wire.Text(row["name"])} was deleted.");
            }

            return (Wire.Text(row["name"])!, Wire.Many2oneId(row["server_id"]));
        }, cancellationToken);

    private async Task<(string Name, string State, int Capacity)> ReadServerAsync(string portal, int serverId, CancellationToken cancellationToken) =>
        await orm().RunAsync(portal, OrmEnvironment.SuperuserId, write: false, async env =>
        {
            var found = await env.Sudo()[Servers].Browse(serverId).ExistsAsync(cancellationToken);
            if (found.Count == 0)
            {
                throw new UserErrorException($"Server {serverId} does not exist.");
            }

            var row = (await found.ReadAsync(["name", "state", "capacity"], cancellationToken))[0];
            return (Wire.Text(row["name"])!, Wire.Text(row["state"]) ?? "open", Wire.Integer(row["capacity"]));
        }, cancellationToken);

    /// <summary>Sets or clears the flag through the ORM on the server the tenant is placed on now (the old one).</summary>
    private Task SetMovingAsync(string name, bool moving, CancellationToken cancellationToken) =>
        orm().RunAsync(name, OrmEnvironment.SuperuserId, write: true, async env =>
        {
            await ConfigParameters.SetAsync(env, SaasParameters.Moving, moving ? "1" : "0", hidden: true, cancellationToken);
            return true;
        }, cancellationToken);

    /// <summary>
    /// Clears the flag in the new copy, which the placement does not point at yet: plain SQL on that server's
    /// connection (the row exists, the copy was taken after the flag was set).
    /// </summary>
    private static async Task ClearMovingFlagAsync(PostgresDatabaseServer server, string name, CancellationToken cancellationToken)
    {
        await using var connection = await server.OpenAsync(name, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE \"ir_config_parameter\" SET \"value\" = '0' WHERE \"key\" = @key";
        var key = command.CreateParameter();
        key.ParameterName = "key";
        key.Value = SaasParameters.Moving;
        command.Parameters.Add(key);
        if (await command.ExecuteNonQueryAsync(cancellationToken) != 1)
        {
            throw new InvalidOperationException($"The copy of {name} lacks the {SaasParameters.Moving} parameter.");
        }
    }

    private async Task UnblockAfterFailureAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await SetMovingAsync(name, false, cancellationToken);
        }
        catch (Exception e)
        {
            LogStillBlocked(logger, name, e.Message);
        }
    }

    private async Task DiscardAsync(PostgresDatabaseServer server, string name)
    {
        try
        {
            await server.DropAsync(name, CancellationToken.None);
        }
        catch (Exception e)
        {
            LogCopyLeft(logger, name, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Moved {Database} from server {From} to {To}: copy {CopySeconds:0.00} s, blocked {BlockedSeconds:0.00} s")]
    private static partial void LogMoved(ILogger logger, string database, string from, string to, double copySeconds, double blockedSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Moved {Database}, but its old copy on server {Server} could not be dropped ({Problem}); it stays blocked, drop it by hand")]
    private static partial void LogOldCopyLeft(ILogger logger, string database, string server, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "A failed move left {Database} blocked on its server ({Problem}); set saas_client.moving to 0 in it by hand")]
    private static partial void LogStillBlocked(ILogger logger, string database, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A failed move left a partial copy of {Database} on the target server ({Problem}); drop it by hand")]
    private static partial void LogCopyLeft(ILogger logger, string database, string problem);
}

/// <summary>What a move did: <see cref="Blocked"/> is how long the tenant refused calls, <see cref="Total"/> the whole operation.</summary>
public sealed record MoveResult(string Database, string From, string To, bool Moved, TimeSpan Blocked, TimeSpan Total)
{
    /// <summary>The copy alone (<c>pg_dump | pg_restore</c>), within <see cref="Blocked"/>.</summary>
    public TimeSpan Copy { get; init; }

    /// <summary>The result as a wire dict.</summary>
    public Dictionary<string, object?> ToWire() => new(StringComparer.Ordinal)
    {
        ["database"] = Database,
        ["from"] = From,
        ["to"] = To,
        ["moved"] = Moved,
        ["copy_seconds"] = Copy.TotalSeconds,
        ["blocked_seconds"] = Blocked.TotalSeconds,
        ["seconds"] = Total.TotalSeconds,
    };
}
