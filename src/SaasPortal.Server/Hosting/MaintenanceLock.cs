using System.Data.Common;
using SaasPortal.Saas.Portal;
using SaasPortal.Storage;
using SaasPortal.Storage.Databases;

namespace SaasPortal.Server.Hosting;

/// <summary>
/// Lets one node at a time run the maintenance pass across every <c>serve</c> process sharing the portal database.
/// </summary>
/// <remarks>
/// PostgreSQL: a session advisory lock (<c>pg_try_advisory_lock</c>) taken on a connection to the portal database
/// that stays open for the whole pass. Advisory locks belong to the session, so when a node dies its connection
/// closes and the server releases the lock; the next tick of another node takes over. Never waits: a node that does
/// not get the lock skips its tick. SQLite: the files cannot be shared between machines, so there is one node and
/// the lock is always granted.
/// </remarks>
internal sealed class MaintenanceLock(IDatabaseServer server, StorageOptions storage, ClientMaintenanceSettings settings)
{
    /// <summary>The lock's key: the first eight bytes of "SaasPort" read as a number; advisory locks are per database.</summary>
    internal const long Key = 0x53616173506F7274;

    /// <summary>The held lock, released by disposing it; null when another node holds it.</summary>
    public async Task<IAsyncDisposable?> TryAcquireAsync(CancellationToken cancellationToken)
    {
        if (storage.Backend != DatabaseBackend.Postgres)
        {
            return NoLock.Instance;
        }

        var connection = await server.OpenAsync(settings.PortalDatabase, cancellationToken);
        try
        {
            if (await ExecuteAsync(connection, "SELECT pg_try_advisory_lock(" + Key + ")", cancellationToken) is true)
            {
                var held = new HeldLock(connection);
                connection = null;
                return held;
            }

            return null;
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private static async Task<object?> ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private sealed class HeldLock(DbConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                // The pooled connection is reused: the lock must go before it does, not whenever the pool resets it.
                await ExecuteAsync(connection, "SELECT pg_advisory_unlock(" + Key + ")", CancellationToken.None);
            }
            catch (Exception e) when (e is DbException or InvalidOperationException)
            {
                // A broken connection has lost its session, and the lock with it.
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
