using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SaasPortal.Storage.Dialects;

namespace SaasPortal.Storage.Databases;

/// <summary>
/// Databases as SQLite files, <c>&lt;data-dir&gt;/db/&lt;name&gt;.sqlite</c>, in WAL mode with pooled connections.
/// Every connection handed out has a busy timeout (writers queue instead of failing), foreign keys enforced and a
/// bounded page cache; the pools of databases unused for <see cref="StorageOptions.IdlePoolTimeout"/> are closed.
/// </summary>
public sealed class SqliteDatabaseServer : IDatabaseServer, IDisposable
{
    private const string Extension = ".sqlite";
    private const string TempSuffix = ".tmp";

    private static readonly string[] SidecarSuffixes = ["-wal", "-shm", "-journal"];

    /// <summary>
    /// SQLite handles (the pool's physical connections) already configured. The settings are per handle and survive
    /// the pool, so a reused handle needs no statements before its call; a new handle is a new key.
    /// </summary>
    private static readonly ConditionalWeakTable<object, object> Configured = [];

    private readonly string _directory;
    private readonly string _connectionPragmas;
    private readonly IdlePoolSweeper _sweeper;

    /// <summary>Creates a server over <c>db/</c> in the data directory of <paramref name="options"/>.</summary>
    public SqliteDatabaseServer(StorageOptions options, SqlDialect dialect, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(dialect);
        options.Validate();
        _directory = Path.Combine(Path.GetFullPath(options.DataDirectory), "db");
        Dialect = dialect;
        // synchronous=NORMAL is safe against corruption in WAL mode; it only risks the last commits on power loss.
        // A negative cache_size is in KiB: the page cache of each connection stays below it however much is read.
        _connectionPragmas = string.Create(CultureInfo.InvariantCulture,
            $"PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -{options.SqliteCacheSizeKib};");
        _sweeper = new IdlePoolSweeper(options.IdlePoolTimeout, name => ClearPool(PathOf(name)), time);
    }

    /// <summary>How many databases have a pool that has not been closed as idle yet (for tests and monitoring).</summary>
    public int OpenPoolCount => _sweeper.TrackedCount;

    /// <summary>Closes the pools of databases idle for longer than the timeout now, as the timer does; returns how many.</summary>
    public int CloseIdlePools() => _sweeper.Sweep();

    /// <inheritdoc />
    public SqlDialect Dialect { get; }

    /// <inheritdoc />
    public string BackupFileName => "database.sqlite";

    /// <summary>The path of a database's file (the name is validated first).</summary>
    public string PathOf(string name) => Path.Combine(_directory, DatabaseName.Validate(name) + Extension);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_directory))
        {
            return Task.FromResult<IReadOnlyList<string>>([]);
        }

        var names = Directory.EnumerateFiles(_directory, "*" + Extension)
            .Select(Path.GetFileNameWithoutExtension)
            .Where(DatabaseName.IsValid)
            .Select(n => n!)
            .Order(StringComparer.Ordinal)
            .ToList();
        return Task.FromResult<IReadOnlyList<string>>(names);
    }

    /// <inheritdoc />
    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(File.Exists(PathOf(name)));

    /// <inheritdoc />
    public async Task CreateEmptyAsync(string name, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        Claim(path, name);
        await EnableWalAsync(path, cancellationToken);
    }

    /// <inheritdoc />
    public async Task CopyAsync(string source, string target, CancellationToken cancellationToken)
    {
        var targetPath = PathOf(target);
        if (File.Exists(targetPath))
        {
            throw new DatabaseExistsException(target);
        }

        var temp = TempPath(target);
        try
        {
            await BackupToAsync(source, temp, cancellationToken);
            await EnableWalAsync(temp, cancellationToken);
            Publish(temp, targetPath, target);
        }
        finally
        {
            DeleteWithSidecars(temp);
        }
    }

    /// <inheritdoc />
    public async Task RenameAsync(string source, string target, CancellationToken cancellationToken)
    {
        var sourcePath = PathOf(source);
        var targetPath = PathOf(target);
        if (!File.Exists(sourcePath))
        {
            throw new DatabaseNotFoundException(source);
        }

        if (File.Exists(targetPath))
        {
            throw new DatabaseExistsException(target);
        }

        // Fold the WAL into the main file so the rename moves one self-contained file.
        _sweeper.Forget(source);
        ClearPool(sourcePath);
        await CheckpointAsync(sourcePath, cancellationToken);
        Claim(targetPath, target);
        File.Move(sourcePath, targetPath, overwrite: true);
        DeleteSidecars(sourcePath);
    }

    /// <inheritdoc />
    public Task<bool> DropAsync(string name, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        if (!File.Exists(path))
        {
            return Task.FromResult(false);
        }

        _sweeper.Forget(name);
        ClearPool(path);
        DeleteWithSidecars(path);
        return Task.FromResult(true);
    }

    /// <inheritdoc />
    public Task<long> SizeInBytesAsync(string name, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        if (!File.Exists(path))
        {
            throw new DatabaseNotFoundException(name);
        }

        var wal = new FileInfo(path + "-wal");
        return Task.FromResult(new FileInfo(path).Length + (wal.Exists ? wal.Length : 0));
    }

    /// <inheritdoc />
    public async Task<DbConnection> OpenAsync(string name, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        if (!File.Exists(path))
        {
            throw new DatabaseNotFoundException(name);
        }

        var connection = new SqliteConnection(ConnectionString(path, pooled: true));
        try
        {
            await connection.OpenAsync(cancellationToken);
            _sweeper.Touch(name);
            if (connection.Handle is { } handle && !Configured.TryGetValue(handle, out _))
            {
                await using var command = connection.CreateCommand();
                command.CommandText = _connectionPragmas;
                await command.ExecuteNonQueryAsync(cancellationToken);
                Configured.TryAdd(handle, handle);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async Task BackupAsync(string name, string file, CancellationToken cancellationToken)
    {
        if (File.Exists(file))
        {
            throw new IOException($"Backup file '{file}' already exists.");
        }

        await BackupToAsync(name, file, cancellationToken);
        // A backup file is a single self-contained file: no WAL to carry along.
        await using var connection = new SqliteConnection(ConnectionString(file, pooled: false));
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "PRAGMA journal_mode = DELETE;", cancellationToken);
    }

    /// <inheritdoc />
    public async Task RestoreAsync(string name, string file, CancellationToken cancellationToken)
    {
        var targetPath = PathOf(name);
        if (File.Exists(targetPath))
        {
            throw new DatabaseExistsException(name);
        }

        Directory.CreateDirectory(_directory);
        var temp = TempPath(name);
        try
        {
            File.Copy(file, temp);
            await using (var connection = new SqliteConnection(ConnectionString(temp, pooled: false)))
            {
                await connection.OpenAsync(cancellationToken);
                await using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA quick_check;";
                var verdict = await command.ExecuteScalarAsync(cancellationToken) as string;
                if (!string.Equals(verdict, "ok", StringComparison.Ordinal))
                {
                    throw new InvalidDataException($"The database file in the dump is damaged: {verdict}");
                }

                await ExecuteAsync(connection, "PRAGMA journal_mode = WAL;", cancellationToken);
            }

            Publish(temp, targetPath, name);
        }
        catch (SqliteException e)
        {
            throw new InvalidDataException("The dump does not hold a usable SQLite database: " + e.Message, e);
        }
        finally
        {
            DeleteWithSidecars(temp);
        }
    }

    private async Task BackupToAsync(string source, string file, CancellationToken cancellationToken)
    {
        // The online backup API copies a consistent snapshot while other connections keep reading and writing.
        await using var from = (SqliteConnection)await OpenAsync(source, cancellationToken);
        await using var to = new SqliteConnection(ConnectionString(file, pooled: false, create: true));
        await to.OpenAsync(cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        from.BackupDatabase(to);
    }

    private string TempPath(string name) =>
        Path.Combine(_directory, $".{name}.{Guid.NewGuid():N}{TempSuffix}");

    /// <inheritdoc />
    /// <remarks>
    /// Copies and restores are built under a hidden temporary name and renamed into place, so a crash leaves only
    /// such a file (and its sidecars) — or the empty placeholder <see cref="Claim"/> made for the rename, which the
    /// journal of the operation that made it accounts for.
    /// </remarks>
    public int RemoveLeftovers(TimeSpan minimumAge)
    {
        if (!Directory.Exists(_directory))
        {
            return 0;
        }

        var cutoff = DateTime.UtcNow - minimumAge;
        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(_directory, ".*" + TempSuffix))
        {
            if (File.GetLastWriteTimeUtc(file) <= cutoff)
            {
                DeleteWithSidecars(file);
                removed++;
            }
        }

        return removed;
    }

    private void Publish(string temp, string targetPath, string name)
    {
        Claim(targetPath, name);
        // Replaces only our own empty placeholder: the database appears whole, in one rename.
        File.Move(temp, targetPath, overwrite: true);
    }

    /// <summary>
    /// Takes a name by creating its file exclusively (FileMode.CreateNew is the race arbiter: of two callers exactly
    /// one gets it), then clears sidecar files a crashed drop may have left, which SQLite would otherwise replay.
    /// </summary>
    private void Claim(string path, string name)
    {
        Directory.CreateDirectory(_directory);
        try
        {
            using (new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
            }
        }
        catch (IOException) when (File.Exists(path))
        {
            throw new DatabaseExistsException(name);
        }

        DeleteSidecars(path);
    }

    private static async Task EnableWalAsync(string path, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(ConnectionString(path, pooled: false));
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "PRAGMA journal_mode = WAL;", cancellationToken);
    }

    private static async Task CheckpointAsync(string path, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(ConnectionString(path, pooled: false));
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "PRAGMA busy_timeout = 10000; PRAGMA wal_checkpoint(TRUNCATE);", cancellationToken);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string ConnectionString(string path, bool pooled, bool create = false) =>
        new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Pooling = pooled,
            DefaultTimeout = 30,
        }.ToString();

    private static void ClearPool(string path)
    {
        using var connection = new SqliteConnection(ConnectionString(path, pooled: true));
        SqliteConnection.ClearPool(connection);
    }

    /// <inheritdoc />
    public void Dispose() => _sweeper.Dispose();

    private static void DeleteWithSidecars(string path)
    {
        File.Delete(path);
        DeleteSidecars(path);
    }

    private static void DeleteSidecars(string path)
    {
        foreach (var suffix in SidecarSuffixes)
        {
            File.Delete(path + suffix);
        }
    }
}
