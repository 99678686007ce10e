using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using SaasPortal.Bench.Http;

namespace SaasPortal.Bench.Suite;

/// <summary>A storage backend the suite runs on: SQLite files, or databases on a PostgreSQL server.</summary>
internal sealed record BackendTarget(string Name, string? PostgresConnectionString)
{
    public static BackendTarget Sqlite { get; } = new("sqlite", null);

    public bool IsPostgres => PostgresConnectionString is not null;
}

/// <summary>
/// The real server (Release build, own process, free port, temporary data folder) on one backend, with the clients
/// the workloads use. Every database it makes is named with a random stem, so runs sharing a PostgreSQL cluster
/// never meet, and disposing drops them all.
/// </summary>
internal sealed class BenchServer : IAsyncDisposable
{
    public const string Admin = "admin";

    private BenchServer(BackendTarget backend, ServerUnderTest server, string stem)
    {
        Backend = backend;
        Server = server;
        Stem = stem;
        Http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
        {
            Timeout = TimeSpan.FromMinutes(5),
        };
        Xml = new XmlRpcHttp(Http, server.Url);
        Json = new JsonRpcHttp(Http, server.Url);
    }

    public BackendTarget Backend { get; }

    public ServerUnderTest Server { get; }

    /// <summary>Prefix of every database of this server: letters and digits only.</summary>
    public string Stem { get; }

    public string Portal => Stem + "-portal";

    public HttpClient Http { get; }

    public XmlRpcHttp Xml { get; }

    public JsonRpcHttp Json { get; }

    public static async Task<BenchServer> StartAsync(BackendTarget backend, CancellationToken cancellationToken)
    {
        var stem = "ba" + Guid.NewGuid().ToString("N")[..8];
        List<string> arguments = backend.PostgresConnectionString is { } pg ? ["--db-backend", "postgres", "--pg", pg] : [];
        arguments.AddRange(["--portal-db", stem + "-portal"]);
        var server = await ServerUnderTest.StartAsync("Release", arguments, cancellationToken);
        return new BenchServer(backend, server, stem);
    }

    /// <summary>db.create_database with base installed and admin/admin.</summary>
    public Task CreateDatabaseAsync(string name, CancellationToken cancellationToken) =>
        Xml.CallAsync("db", "create_database", [Server.MasterPassword, name, false, "en_US", Admin], cancellationToken);

    /// <summary>A plain ADO.NET connection to one of the server's databases, unpooled, for seeding and baselines.</summary>
    public async Task<DbConnection> OpenAsync(string database, CancellationToken cancellationToken)
    {
        if (Backend.PostgresConnectionString is { } pg)
        {
            var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(pg) { Database = database, Pooling = false }.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            return connection;
        }

        var sqlite = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = SqlitePath(database), Pooling = false }.ConnectionString);
        await sqlite.OpenAsync(cancellationToken);
        await ExecuteAsync(sqlite, "PRAGMA busy_timeout = 30000", cancellationToken);
        return sqlite;
    }

    public string SqlitePath(string database) => Path.Combine(Server.DataDirectory, "db", database + ".sqlite");

    public static async Task<int> ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken, DbTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 600;
        command.Transaction = transaction;
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Database connections the server process holds: SQLite database files it has open (from /proc), or its
    /// PostgreSQL sessions on this run's databases. Null where it cannot be told.
    /// </summary>
    public async Task<int?> ConnectionsHeldAsync(CancellationToken cancellationToken)
    {
        if (Backend.PostgresConnectionString is { } pg)
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(pg) { Database = "postgres", Pooling = false }.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname LIKE $1 AND pid <> pg_backend_pid()", connection);
            count.Parameters.AddWithValue(Stem + "-%");
            return Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }

        return OpenSqliteFiles(Server.ProcessId);
    }

    /// <summary>Open descriptors of <paramref name="processId"/> on *.sqlite files (one per SQLite connection).</summary>
    public static int? OpenSqliteFiles(int processId)
    {
        var descriptors = $"/proc/{processId}/fd";
        if (!Directory.Exists(descriptors))
        {
            return null;
        }

        var open = 0;
        foreach (var descriptor in Directory.EnumerateFileSystemEntries(descriptors))
        {
            try
            {
                if (new FileInfo(descriptor).LinkTarget is { } target && target.EndsWith(".sqlite", StringComparison.Ordinal))
                {
                    open++;
                }
            }
            catch (IOException)
            {
                // The descriptor closed while we looked.
            }
        }

        return open;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
        if (Backend.PostgresConnectionString is { } pg)
        {
            await PostgresCleanup.DropDatabasesAsync(pg, Stem, CancellationToken.None);
        }
    }
}

/// <summary>Drops what a run left on a shared PostgreSQL cluster.</summary>
internal static class PostgresCleanup
{
    public static async Task DropDatabasesAsync(string pg, string stem, CancellationToken cancellationToken)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(pg) { Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var names = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT datname FROM pg_database WHERE datname LIKE $1", connection))
        {
            list.Parameters.AddWithValue(stem + "-%");
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                names.Add(reader.GetString(0));
            }
        }

        foreach (var name in names)
        {
            // Names come from pg_database and match this run's generated stem; quoting doubles any quote.
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
