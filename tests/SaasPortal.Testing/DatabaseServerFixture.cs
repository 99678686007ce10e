using SaasPortal.Storage;
using SaasPortal.Storage.Databases;
using SaasPortal.Storage.Dialects;

namespace SaasPortal.Testing;

/// <summary>
/// A real database server for in-process tests: SQLite files in a temporary data directory, or the test
/// PostgreSQL cluster (<see cref="TestPostgres"/>), through a PgBouncer when SAASPORTAL_TEST_PG_POOLER names one.
/// Databases made with <see cref="CreateDatabaseAsync"/> carry a prefix unique to the fixture and are dropped, with
/// the data directory, when the fixture is disposed. Use one fixture per test class (IClassFixture) so classes never
/// share a database.
/// </summary>
public abstract class DatabaseServerFixture : IAsyncLifetime
{
    private readonly List<string> _databases = [];
    private int _counter;
    private IDatabaseServer? _server;

    /// <summary>Creates a fixture for <paramref name="backend"/>.</summary>
    protected DatabaseServerFixture(DatabaseBackend backend)
    {
        Backend = backend;
        DataDirectory = Path.Combine(Path.GetTempPath(), "saasportal-test-" + Prefix);
    }

    /// <summary>The backend.</summary>
    public DatabaseBackend Backend { get; }

    /// <summary>A short prefix unique to this fixture, e.g. <c>t3f9a1c2</c>.</summary>
    public string Prefix { get; } = "t" + Guid.NewGuid().ToString("N")[..7];

    /// <summary>The temporary data directory (SQLite files in db/, attachments in filestore/).</summary>
    public string DataDirectory { get; }

    /// <summary>The database server.</summary>
    public IDatabaseServer Server => _server ?? throw new InvalidOperationException("The fixture is not initialised.");

    /// <summary>The storage settings the server was made with.</summary>
    public StorageOptions Options { get; private set; } = null!;

    /// <summary>Creates an empty database with a fresh name (dropped with the fixture) and returns the name.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        var name = NewDatabaseName();
        await Server.CreateEmptyAsync(name, cancellationToken);
        return name;
    }

    /// <summary>A fresh database name with the fixture's prefix (not created).</summary>
    public string NewDatabaseName()
    {
        var name = $"{Prefix}_{Interlocked.Increment(ref _counter)}";
        lock (_databases)
        {
            _databases.Add(name);
        }

        return name;
    }

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(DataDirectory);
        if (Backend == DatabaseBackend.Postgres)
        {
            var connectionString = await TestPostgres.ConnectionStringAsync(TestContext.Current.CancellationToken);
            Options = new StorageOptions
            {
                Backend = Backend,
                DataDirectory = DataDirectory,
                PostgresConnectionString = connectionString,
                PostgresPoolerConnectionString = Environment.GetEnvironmentVariable(TestPostgres.PoolerVariable) is { Length: > 0 } pooler ? pooler : null,
            };
            _server = new PostgresDatabaseServer(Options, PostgresDialect.Instance);
        }
        else
        {
            Options = new StorageOptions { Backend = Backend, DataDirectory = DataDirectory };
            _server = new SqliteDatabaseServer(Options, SqliteDialect.Instance);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            string[] names;
            lock (_databases)
            {
                names = [.. _databases];
            }

            foreach (var name in names)
            {
                try
                {
                    await _server.DropAsync(name, CancellationToken.None);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // Best effort: PostgreSQL leftovers are also swept by prefix below.
                }
            }

            if (_server is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }

            if (Backend == DatabaseBackend.Postgres)
            {
                await TestPostgres.DropDatabasesAsync(Prefix + "_", CancellationToken.None);
            }
        }

        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>SQLite files in a temporary data directory.</summary>
public sealed class SqliteDatabasesFixture() : DatabaseServerFixture(DatabaseBackend.Sqlite);

/// <summary>The test PostgreSQL cluster (SAASPORTAL_TEST_PG, or started by scripts/test-postgres.sh).</summary>
public sealed class PostgresDatabasesFixture() : DatabaseServerFixture(DatabaseBackend.Postgres);
