namespace SaasPortal.Storage;

/// <summary>Where tenant databases live.</summary>
public enum DatabaseBackend
{
    /// <summary>One SQLite file per database under the data directory (embedded default).</summary>
    Sqlite,

    /// <summary>One PostgreSQL database per tenant on a PostgreSQL server.</summary>
    Postgres,
}
