using System.Data.Common;
using Microsoft.Extensions.Logging;
using Npgsql;
using SaasPortal.Saas.Portal;
using SaasPortal.Storage;

namespace SaasPortal.Server.Hosting;

/// <summary>
/// Lets one node at a time run the maintenance pass across every <c>serve</c> process sharing the portal database.
/// </summary>
/// <remarks>
/// PostgreSQL: a session advisory lock (<c>pg_try_advisory_lock</c>) taken on a connection to the portal database
/// that stays open for the whole pass. Advisory locks belong to the session, so when a node dies its connection
/// closes and the server releases the lock; the next tick of another node takes over. Never waits: a node that does
/// not get the lock skips its tick. The connection is a direct one (<c>--pg</c>), never through PgBouncer: in
/// transaction mode PgBouncer gives each transaction whichever server session is free, so a session lock would be
/// taken on one session and never released on another. SQLite: the files cannot be shared between machines, so there
/// is one node and the lock is always granted.
/// </remarks>
internal sealed partial class MaintenanceLock(StorageOptions storage, ClientMaintenanceSettings settings, ILogger<MaintenanceLock> logger) : IAsyncDisposable
{
    /// <summary>The lock's key: the first eight bytes of "SaasPort" read as a number; advisory locks are per database.</summary>
    internal const long Key = 0x53616173506F7274;

    /// <summary>The application_name of the lock's session.</summary>
    internal const string ApplicationName = "saasportal maintenance lock";

    private readonly Lazy<NpgsqlDataSource> _direct = new(() =>
    {
        var builder = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(storage.PostgresConnectionString)
        {
            Database = settings.PortalDatabase,
            MaxPoolSize = 1,
            // Named so that an operator (and the cluster tests) can tell the lock's session in pg_stat_activity.
            ApplicationName = ApplicationName,
        }.ConnectionString);
        // One query a minute needs no type map: the lock functions return booleans.
        builder.ConfigureTypeLoading(types => types.EnableTypeLoading(false));
        return builder.Build();
    });

    /// <summary>The held lock, released by disposing it; null when another node holds it.</summary>
    public async Task<IAsyncDisposable?> TryAcquireAsync(CancellationToken cancellationToken)
    {
        if (storage.Backend != DatabaseBackend.Postgres)
        {
            return NoLock.Instance;
        }

        DbConnection? connection = await _direct.Value.OpenConnectionAsync(cancellationToken);
        try
        {
            if (await ExecuteAsync(connection, "SELECT pg_try_advisory_lock(" + Key + ")", cancellationToken) is true)
            {
                var held = new HeldLock(connection, logger);
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

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_direct.IsValueCreated)
        {
            await _direct.Value.DisposeAsync();
        }
    }

    private static async Task<object?> ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private sealed class HeldLock(DbConnection connection, ILogger logger) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                // The pooled connection is reused: the lock must go before it does, not whenever the pool resets it.
                if (await ExecuteAsync(connection, "SELECT pg_advisory_unlock(" + Key + ")", CancellationToken.None) is false)
                {
                    // The session that unlocks is not the one that locked: something between here and PostgreSQL
                    // hands out sessions per transaction, and the lock now belongs to a session nobody will release.
                    LogLockNotHeld(logger);
                }
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

    [LoggerMessage(Level = LogLevel.Error,
        Message = "The maintenance lock was not held by its session at the end of the pass: --pg must reach PostgreSQL directly (a PgBouncer in transaction mode belongs in --pg-pooler)")]
    private static partial void LogLockNotHeld(ILogger logger);

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
