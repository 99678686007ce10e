namespace SaasPortal.Storage;

/// <summary>Settings of the storage layer, bound from configuration by the host.</summary>
public sealed record StorageOptions
{
    /// <summary>Which backend holds databases.</summary>
    public required DatabaseBackend Backend { get; init; }

    /// <summary>The data directory: SQLite files live in <c>db/</c> below it, attachments in <c>filestore/</c>.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Npgsql connection string of the PostgreSQL server (its database is the maintenance database, e.g. postgres).</summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>
    /// Npgsql connection string of a PgBouncer in transaction mode in front of the server, or null. Tenant and portal
    /// connections then go through it; whatever needs a session of its own keeps the direct connection: CREATE, ALTER
    /// and DROP DATABASE, ending sessions, pg_dump and pg_restore, and the cluster's advisory lock. Keywords it leaves
    /// out (Username, Password, …) are taken from <see cref="PostgresConnectionString"/>.
    /// </summary>
    public string? PostgresPoolerConnectionString { get; init; }

    /// <summary>Largest pool of connections one database may hold.</summary>
    public int MaxPoolSizePerDatabase { get; init; } = 8;

    /// <summary>
    /// PostgreSQL: most connections to tenant databases this process holds at once, busy and idle together, across
    /// every database (the maintenance pool's few come on top). Thousands of tenants share them: when the cap is
    /// reached, idle connections of other databases are closed to make room, and a caller waits only when every
    /// connection is busy.
    /// </summary>
    public int MaxConnections { get; init; } = 64;

    /// <summary>
    /// How long a database may go unused before its pooled connections are closed (SQLite handles with their page
    /// cache and parsed schema; PostgreSQL sessions). Zero or less keeps pools open.
    /// </summary>
    public TimeSpan IdlePoolTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>SQLite page cache per connection, in KiB (<c>PRAGMA cache_size</c>; SQLite's own default is 2000).</summary>
    public int SqliteCacheSizeKib { get; init; } = 1024;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when a value is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPoolSizePerDatabase, 1, nameof(MaxPoolSizePerDatabase));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnections, 1, nameof(MaxConnections));
        ArgumentOutOfRangeException.ThrowIfLessThan(SqliteCacheSizeKib, 64, nameof(SqliteCacheSizeKib));
    }
}
