using System.Data.Common;
using SaasPortal.Storage;
using SaasPortal.Storage.Databases;
using SaasPortal.Storage.Dialects;
using SaasPortal.Testing;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace SaasPortal.Storage.Tests;

/// <summary>
/// One database server under test with its own data directory and, on PostgreSQL, a name prefix of its own so that
/// runs sharing the test cluster never collide. Disposing drops what the test left.
/// </summary>
public sealed class Backend : IAsyncDisposable
{
    private int _counter;

    private Backend(DatabaseBackend kind, IDatabaseServer server, StorageOptions options)
    {
        Kind = kind;
        Server = server;
        Options = options;
    }

    public DatabaseBackend Kind { get; }

    public IDatabaseServer Server { get; }

    public StorageOptions Options { get; }

    public string Prefix { get; } = "s" + Guid.NewGuid().ToString("N")[..7];

    public string Name(string hint) => $"{Prefix}-{Interlocked.Increment(ref _counter)}-{hint}";

    public static async Task<Backend> CreateAsync(DatabaseBackend kind, CancellationToken cancellationToken)
    {
        var options = new StorageOptions
        {
            Backend = kind,
            DataDirectory = Directory.CreateTempSubdirectory("saasportal-storage-").FullName,
            PostgresConnectionString = kind == DatabaseBackend.Postgres ? await TestPostgres.ConnectionStringAsync(cancellationToken) : null,
        };
        IDatabaseServer server = kind == DatabaseBackend.Postgres
            ? new PostgresDatabaseServer(options, PostgresDialect.Instance)
            : new SqliteDatabaseServer(options, SqliteDialect.Instance);
        return new Backend(kind, server, options);
    }

    /// <summary>Runs SQL on a database and returns the first column of the first row.</summary>
    public async Task<object?> ScalarAsync(string database, string sql, CancellationToken cancellationToken)
    {
        await using var connection = await Server.OpenAsync(database, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    public async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Server is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }

        if (Kind == DatabaseBackend.Postgres)
        {
            await TestPostgres.DropDatabasesAsync(Prefix, CancellationToken.None);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Options.DataDirectory, recursive: true);
    }
}
