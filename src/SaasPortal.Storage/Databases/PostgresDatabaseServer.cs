using System.Collections.Concurrent;
using System.Data.Common;
using Npgsql;
using SaasPortal.Storage.Dialects;

namespace SaasPortal.Storage.Databases;

/// <summary>
/// Databases on one PostgreSQL server, one per tenant, each with its own capped Npgsql pool.
/// The configured connection string names the maintenance database (e.g. <c>postgres</c>) used for
/// CREATE/ALTER/DROP DATABASE; tenant pools are created on first use, closed when idle, and all together hold at
/// most <see cref="StorageOptions.MaxConnections"/> connections, so thousands of tenants cannot exhaust the server's
/// <c>max_connections</c>. With <see cref="StorageOptions.PostgresPoolerConnectionString"/> the tenant pools connect
/// through a PgBouncer in transaction mode instead, and the maintenance pool, the dumps and the session-bound work
/// stay on the direct connection.
/// </summary>
public sealed class PostgresDatabaseServer : IDatabaseServer, IAsyncDisposable
{
    private const int InUseRetries = 10;

    private readonly NpgsqlConnectionStringBuilder _baseSettings;
    private readonly NpgsqlConnectionStringBuilder _tenantSettings;
    private readonly NpgsqlDataSource _maintenance;
    private readonly ConcurrentDictionary<string, Lazy<NpgsqlDataSource>> _pools = new(StringComparer.Ordinal);
    private readonly PostgresTools _tools;
    private readonly ConnectionBudget _budget;
    private readonly IdlePoolSweeper _sweeper;
    private readonly TimeSpan _openTimeout;

    /// <summary>Creates a server for <see cref="StorageOptions.PostgresConnectionString"/>.</summary>
    public PostgresDatabaseServer(StorageOptions options, SqlDialect dialect, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(dialect);
        if (string.IsNullOrWhiteSpace(options.PostgresConnectionString))
        {
            throw new ArgumentException("The PostgreSQL backend needs a connection string.", nameof(options));
        }

        options.Validate();
        _baseSettings = new NpgsqlConnectionStringBuilder(options.PostgresConnectionString)
        {
            MaxPoolSize = Math.Min(options.MaxPoolSizePerDatabase, options.MaxConnections),
            // Npgsql's own pruning stays as a backstop; the sweeper below closes idle tenants' pools as a whole.
            ConnectionIdleLifetime = 60,
            MinPoolSize = 0,
        };
        _budget = new ConnectionBudget(options.MaxConnections);
        _sweeper = new IdlePoolSweeper(options.IdlePoolTimeout, RetirePool, time);
        _openTimeout = TimeSpan.FromSeconds(_baseSettings.Timeout > 0 ? _baseSettings.Timeout : 15);
        if (string.IsNullOrEmpty(_baseSettings.Database))
        {
            _baseSettings.Database = "postgres";
        }

        _tenantSettings = options.PostgresPoolerConnectionString is { Length: > 0 } pooler
            ? ThroughPooler(_baseSettings, pooler)
            : _baseSettings;
        _maintenance = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_baseSettings.ConnectionString) { MaxPoolSize = 4 });
        _tools = new PostgresTools(_baseSettings);
        Dialect = dialect;
    }

    /// <inheritdoc />
    public SqlDialect Dialect { get; }

    /// <inheritdoc />
    public string BackupFileName => "database.pgdump";

    /// <summary>Tenant connections held now, busy and idle (an upper bound; never above <see cref="StorageOptions.MaxConnections"/>).</summary>
    public int HeldConnections => _budget.Held;

    /// <summary>Closes the pools of databases idle for longer than the timeout now, as the timer does; returns how many.</summary>
    public int CloseIdlePools() => _sweeper.Sweep();

    /// <summary>Tenant data sources (Npgsql pools) this server holds now, open or emptied, not yet retired.</summary>
    public int PoolCount => _pools.Count;

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken)
    {
        // Databases this role owns, as Odoo lists them; the maintenance database and templates are not tenants.
        const string sql = """
            SELECT datname FROM pg_database
            WHERE NOT datistemplate AND datallowconn AND datname <> current_database() AND datname <> 'postgres'
              AND pg_get_userbyid(datdba) = current_user
            ORDER BY datname
            """;
        var names = new List<string>();
        await using var command = _maintenance.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var name = reader.GetString(0);
            if (DatabaseName.IsValid(name))
            {
                names.Add(name);
            }
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <inheritdoc />
    public async Task<bool> ExistsAsync(string name, CancellationToken cancellationToken)
    {
        DatabaseName.Validate(name);
        await using var command = _maintenance.CreateCommand("SELECT 1 FROM pg_database WHERE datname = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <inheritdoc />
    public async Task CreateEmptyAsync(string name, CancellationToken cancellationToken)
    {
        var quoted = Quote(name);
        await RunDdlAsync($"CREATE DATABASE {quoted} TEMPLATE template0 ENCODING 'UTF8'", name, null, cancellationToken);
    }

    /// <inheritdoc />
    public async Task CopyAsync(string source, string target, CancellationToken cancellationToken)
    {
        var sql = $"CREATE DATABASE {Quote(target)} TEMPLATE {Quote(source)}";
        await RunDdlAsync(sql, target, source, cancellationToken);
    }

    /// <inheritdoc />
    public async Task RenameAsync(string source, string target, CancellationToken cancellationToken)
    {
        var sql = $"ALTER DATABASE {Quote(source)} RENAME TO {Quote(target)}";
        await RunDdlAsync(sql, target, source, cancellationToken);
        await ForgetPoolAsync(source);
    }

    /// <inheritdoc />
    public async Task<bool> DropAsync(string name, CancellationToken cancellationToken)
    {
        var quoted = Quote(name);
        if (!await ExistsAsync(name, cancellationToken))
        {
            return false;
        }

        await ForgetPoolAsync(name);
        // FORCE terminates the remaining sessions (PostgreSQL 13+), ours from other nodes included.
        await using var command = _maintenance.CreateCommand($"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)");
        await command.ExecuteNonQueryAsync(cancellationToken);
        return true;
    }

    /// <inheritdoc />
    public async Task<long> SizeInBytesAsync(string name, CancellationToken cancellationToken)
    {
        DatabaseName.Validate(name);
        await using var command = _maintenance.CreateCommand(
            "SELECT pg_database_size(datname) FROM pg_database WHERE datname = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        return await command.ExecuteScalarAsync(cancellationToken) is long size
            ? size
            : throw new DatabaseNotFoundException(name);
    }

    /// <inheritdoc />
    public async Task<DbConnection> OpenAsync(string name, CancellationToken cancellationToken)
    {
        DatabaseName.Validate(name);
        if (ThroughPgBouncer && !_pools.ContainsKey(name) && !await ExistsAsync(name, cancellationToken))
        {
            // PgBouncer answers a missing database with a generic pooler error rather than PostgreSQL's, and then
            // holds every new client of that name for server_login_retry (15 s by default), even once it exists.
            // So a name is checked on the direct connection before its first connection through PgBouncer.
            throw new DatabaseNotFoundException(name);
        }

        NpgsqlConnection connection;
        for (var attempt = 1; ; attempt++)
        {
            // Touched first, so that the idle sweep leaves the data source alone from the lookup on.
            _sweeper.Touch(name);
            var pool = _pools.GetOrAdd(name, n => new Lazy<NpgsqlDataSource>(() => CreatePool(n))).Value;
            await _budget.AcquireAsync(name, ClearPool, _openTimeout, cancellationToken);
            _sweeper.Touch(name);
            try
            {
                connection = await pool.OpenConnectionAsync(cancellationToken);
                break;
            }
            catch (ObjectDisposedException) when (attempt < 5)
            {
                // The idle sweep retired this data source anyway (it had found the database idle just before the
                // touch): the next lookup makes a new one.
                _budget.Cancel();
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName)
            {
                _budget.Cancel();
                await ForgetPoolAsync(name);
                throw new DatabaseNotFoundException(name);
            }
            catch (PostgresException) when (ThroughPgBouncer)
            {
                _budget.Cancel();
                // Dropped since its pool was made (by another node, say)? PgBouncer's error does not say so; the server does.
                if (!await ExistsAsync(name, CancellationToken.None))
                {
                    await ForgetPoolAsync(name);
                    throw new DatabaseNotFoundException(name);
                }

                throw;
            }
            catch
            {
                _budget.Cancel();
                throw;
            }
        }

        // Closing gives the connection back to the pool, where it keeps its slot until the pool is cleared.
        var returned = 0;
        connection.StateChange += (_, e) =>
        {
            if (e.CurrentState == System.Data.ConnectionState.Closed && Interlocked.Exchange(ref returned, 1) == 0)
            {
                _budget.Returned(name);
            }
        };
        return connection;
    }

    /// <inheritdoc />
    public async Task BackupAsync(string name, string file, CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(name, cancellationToken))
        {
            throw new DatabaseNotFoundException(name);
        }

        await _tools.DumpAsync(name, file, cancellationToken);
    }

    /// <inheritdoc />
    public async Task RestoreAsync(string name, string file, CancellationToken cancellationToken)
    {
        await CreateEmptyAsync(name, cancellationToken);
        try
        {
            await _tools.RestoreAsync(name, file, cancellationToken);
        }
        catch
        {
            await DropAsync(name, CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// Creates <paramref name="target"/> on this server as a copy of <paramref name="source"/> on another PostgreSQL
    /// server (<c>pg_dump | pg_restore</c>). Throws <see cref="DatabaseExistsException"/> when the target exists here and
    /// <see cref="DatabaseNotFoundException"/> when the source does not exist there; a failed copy leaves nothing here.
    /// </summary>
    public async Task CopyFromAsync(PostgresDatabaseServer sourceServer, string source, string target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sourceServer);
        if (!await sourceServer.ExistsAsync(source, cancellationToken))
        {
            throw new DatabaseNotFoundException(source);
        }

        await CreateEmptyAsync(target, cancellationToken);
        try
        {
            await _tools.CopyFromAsync(sourceServer._tools, source, target, cancellationToken);
        }
        catch
        {
            await DropAsync(target, CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// Ends every session on <paramref name="name"/> (this process's pooled ones and other nodes' alike), so that no
    /// transaction begun before now can still commit; callers reconnect on their next call.
    /// </summary>
    public Task TerminateSessionsAsync(string name, CancellationToken cancellationToken)
    {
        DatabaseName.Validate(name);
        return DisconnectAsync(name, cancellationToken);
    }

    /// <summary>Host and port of the server, for messages and logs (never the password).</summary>
    public string Endpoint => $"{_baseSettings.Host}:{_baseSettings.Port}";

    /// <summary>
    /// Connects once through the PgBouncer to the maintenance database and runs a query, so that a wrong pooler fails
    /// when it is configured rather than on a tenant's first call; does nothing without one.
    /// </summary>
    public async Task CheckPoolerAsync(CancellationToken cancellationToken)
    {
        if (!ThroughPgBouncer)
        {
            return;
        }

        var settings = new NpgsqlConnectionStringBuilder(_tenantSettings.ConnectionString) { Database = _baseSettings.Database, Pooling = false };
        await using var connection = new NpgsqlConnection(settings.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>True when tenant connections go through a PgBouncer (<see cref="StorageOptions.PostgresPoolerConnectionString"/>).</summary>
    public bool ThroughPgBouncer => !ReferenceEquals(_tenantSettings, _baseSettings);

    /// <summary>
    /// The direct settings of <paramref name="direct"/> with every keyword the pooler's connection string gives laid
    /// over them (typically Host and Port), for tenant connections through PgBouncer in transaction mode.
    /// </summary>
    private static NpgsqlConnectionStringBuilder ThroughPooler(NpgsqlConnectionStringBuilder direct, string pooler)
    {
        var merged = new NpgsqlConnectionStringBuilder(direct.ConnectionString);
        // The plain builder keeps exactly the keywords written, where Npgsql's lists every one it knows.
        var given = new DbConnectionStringBuilder { ConnectionString = pooler };
        foreach (string keyword in given.Keys)
        {
            merged[keyword] = given[keyword];
        }

        // PgBouncer hands the server connection to another client at each transaction's end and resets nothing in
        // transaction mode, so Npgsql's DISCARD ALL on reuse would only cost a round trip. The product keeps no
        // session state on tenant connections: no SET, prepared statements, temporary tables or advisory locks.
        merged.NoResetOnClose = true;
        return merged;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var pool in _pools.Values)
        {
            if (pool.IsValueCreated)
            {
                await pool.Value.DisposeAsync();
            }
        }

        _pools.Clear();
        _sweeper.Dispose();
        await _maintenance.DisposeAsync();
    }

    /// <inheritdoc />
    /// <remarks>
    /// Only through PgBouncer: its client connections stay open when the database behind them is dropped (a move's old
    /// copy, a drop by another node), and the next transaction on one fails in PgBouncer's way, a login error or a
    /// wait until the command times out. So after any failure the direct connection is asked whether the database is
    /// still here. Direct connections end with their server session, which Npgsql notices before handing them out.
    /// </remarks>
    public async Task<bool> DiscardStaleConnectionsAsync(string name, Exception error, CancellationToken cancellationToken)
    {
        if (!ThroughPgBouncer || !_pools.ContainsKey(name) || !IsConnectionTrouble(error) || await ExistsAsync(name, cancellationToken))
        {
            return false;
        }

        await ForgetPoolAsync(name);
        return true;
    }

    /// <summary>
    /// Whether <paramref name="error"/> (or an exception inside it) is about the connection rather than the statement:
    /// an I/O failure or timeout, or PostgreSQL's or PgBouncer's connection (08), missing database (3D000) or operator
    /// (57) classes. A constraint violation or a syntax error never costs the existence check.
    /// </summary>
    private static bool IsConnectionTrouble(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres:
                    return postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                        || postgres.SqlState.StartsWith("57", StringComparison.Ordinal)
                        || postgres.SqlState == PostgresErrorCodes.InvalidCatalogName;
                case NpgsqlException or TimeoutException or IOException:
                    return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The idle sweep's callback: a database unused for the idle timeout loses its data source, not only its
    /// connections. An emptied Npgsql data source still holds about 70 KB (settings, type caches, pool arrays), which
    /// over thousands of tenants that each answered once was most of the process's growth
    /// (docs/benchmarks/cluster.md). Connections still in use are closed when given back; the next open makes a new
    /// data source.
    /// </summary>
    private void RetirePool(string name)
    {
        if (_pools.TryRemove(name, out var pool) && pool.IsValueCreated)
        {
            pool.Value.Dispose();
        }

        _budget.Cleared(name);
    }

    /// <summary>Closes the idle connections of a database's pool (busy ones close when given back) and frees their slots.</summary>
    private void ClearPool(string name)
    {
        if (_pools.TryGetValue(name, out var pool) && pool.IsValueCreated)
        {
            pool.Value.Clear();
        }

        _budget.Cleared(name);
    }

    private NpgsqlDataSource CreatePool(string name)
    {
        var builder = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(_tenantSettings.ConnectionString) { Database = name }.ConnectionString);
        // Every tenant is a database, hence a data source, of its own, and Npgsql would read pg_type on each one's
        // first connection: ~40 ms on every tenant's first call and on every new tenant, plus a type map per tenant.
        // The ORM stores only PostgreSQL's built-in types, which Npgsql knows without asking.
        builder.ConfigureTypeLoading(types => types.EnableTypeLoading(false));
        return builder.Build();
    }

    private string Quote(string name) => Dialect.Quote(DatabaseName.Validate(name));

    /// <summary>
    /// Runs CREATE/ALTER DATABASE, mapping PostgreSQL's answers to ours. When <paramref name="busySource"/> is given the
    /// statement needs that database free of sessions: its sessions are ended and the statement retried a few times,
    /// since a client may reconnect between the termination and the statement.
    /// </summary>
    private async Task RunDdlAsync(string sql, string target, string? busySource, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (busySource is not null)
            {
                await DisconnectAsync(busySource, cancellationToken);
            }

            try
            {
                await using var command = _maintenance.CreateCommand(sql);
                await command.ExecuteNonQueryAsync(cancellationToken);
                return;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
            {
                throw new DatabaseExistsException(target);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName && busySource is not null)
            {
                throw new DatabaseNotFoundException(busySource);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse && attempt < InUseRetries)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt), cancellationToken);
            }
        }
    }

    private async Task DisconnectAsync(string name, CancellationToken cancellationToken)
    {
        ClearPool(name);
        await using var command = _maintenance.CreateCommand(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()");
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task ForgetPoolAsync(string name)
    {
        _sweeper.Forget(name);
        if (_pools.TryRemove(name, out var pool) && pool.IsValueCreated)
        {
            pool.Value.Clear();
            await pool.Value.DisposeAsync();
        }

        _budget.Cleared(name);
    }
}
