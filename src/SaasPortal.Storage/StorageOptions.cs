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

    /// <summary>Largest pool of connections one database may hold.</summary>
    public int MaxPoolSizePerDatabase { get; init; } = 8;
}
