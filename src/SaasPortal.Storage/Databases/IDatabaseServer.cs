using System.Data.Common;
using SaasPortal.Storage.Dialects;

namespace SaasPortal.Storage.Databases;

/// <summary>
/// A place that holds whole databases: a folder of SQLite files or a PostgreSQL server.
/// Names passed in are validated with <see cref="DatabaseName.Validate"/> before anything touches disk or server.
/// </summary>
public interface IDatabaseServer
{
    /// <summary>The SQL dialect of this server's databases.</summary>
    SqlDialect Dialect { get; }

    /// <summary>Names of every database held, sorted.</summary>
    Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Whether a database of that name exists.</summary>
    Task<bool> ExistsAsync(string name, CancellationToken cancellationToken);

    /// <summary>Creates an empty database. Throws <see cref="DatabaseExistsException"/> when the name is taken, also when two callers race.</summary>
    Task CreateEmptyAsync(string name, CancellationToken cancellationToken);

    /// <summary>Copies a database consistently while it may be in use. Throws <see cref="DatabaseExistsException"/> when the target exists.</summary>
    Task CopyAsync(string source, string target, CancellationToken cancellationToken);

    /// <summary>Renames a database, closing its connections first.</summary>
    Task RenameAsync(string source, string target, CancellationToken cancellationToken);

    /// <summary>Drops a database after closing its connections; false when it did not exist.</summary>
    Task<bool> DropAsync(string name, CancellationToken cancellationToken);

    /// <summary>Size of the database in bytes, as the storage limit counts it.</summary>
    Task<long> SizeInBytesAsync(string name, CancellationToken cancellationToken);

    /// <summary>An open, pooled connection to the database, configured for use (WAL and busy timeout on SQLite). The caller disposes it.</summary>
    Task<DbConnection> OpenAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a consistent snapshot of the database to <paramref name="file"/> (created, must not exist), while the
    /// database may be in use. The file's format is the backend's own: see <see cref="BackupFileName"/>.
    /// </summary>
    Task BackupAsync(string name, string file, CancellationToken cancellationToken);

    /// <summary>
    /// Creates database <paramref name="name"/> from a file written by <see cref="BackupAsync"/> on the same backend.
    /// Throws <see cref="DatabaseExistsException"/> when the name is taken; leaves nothing behind when the file is unusable.
    /// </summary>
    Task RestoreAsync(string name, string file, CancellationToken cancellationToken);

    /// <summary>Name of the backup file inside a dump archive, e.g. <c>database.sqlite</c>.</summary>
    string BackupFileName { get; }

    /// <summary>
    /// Removes what copies and restores interrupted by a crash left behind (never a database under its own name),
    /// if at least <paramref name="minimumAge"/> old; returns how many. Servers whose copies are atomic have nothing to remove.
    /// </summary>
    int RemoveLeftovers(TimeSpan minimumAge) => 0;

    /// <summary>
    /// Called when a unit of work on <paramref name="name"/> failed with <paramref name="error"/>. Returns true when the
    /// error says the connections pooled for the database can no longer reach it (it was dropped or moved while they
    /// sat idle); they are then discarded, and the work may run again to find the database where it now is. False for
    /// every other error, and on backends whose pooled connections cannot go stale that way.
    /// </summary>
    Task<bool> DiscardStaleConnectionsAsync(string name, Exception error, CancellationToken cancellationToken) => Task.FromResult(false);
}
