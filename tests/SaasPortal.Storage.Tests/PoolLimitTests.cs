using Microsoft.Data.Sqlite;
using Npgsql;
using SaasPortal.Storage;
using SaasPortal.Storage.Databases;
using SaasPortal.Storage.Dialects;
using SaasPortal.Testing;

namespace SaasPortal.Storage.Tests;

/// <summary>A clock the test moves by hand; its timers never fire, so sweeps happen only when the test asks.</summary>
internal sealed class ManualTime : TimeProvider
{
    private long _now;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _now);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _now, by.Ticks);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        base.CreateTimer(callback, state, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
}

/// <summary>
/// SQLite's pools are process-wide and other test classes end with <c>SqliteConnection.ClearAllPools()</c>; tests that
/// count the handles a pool keeps open therefore run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SqlitePoolCollection
{
    public const string Name = "sqlite-pools";
}

/// <summary>SQLite pools: idle ones are closed, each handle is configured once and keeps a bounded page cache.</summary>
[Collection(SqlitePoolCollection.Name)]
public sealed class SqlitePoolTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("saasportal-pools-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly ManualTime _time = new();

    private SqliteDatabaseServer Server() =>
        new(new StorageOptions { Backend = DatabaseBackend.Sqlite, DataDirectory = _directory, IdlePoolTimeout = TimeSpan.FromMinutes(1), SqliteCacheSizeKib = 256 },
            SqliteDialect.Instance, _time);

    /// <summary>File descriptors of this process open on the database file (Linux).</summary>
    private static int OpenHandles(string path) =>
        Directory.EnumerateFiles("/proc/self/fd").Count(fd =>
        {
            try
            {
                return new FileInfo(fd).LinkTarget == path;
            }
            catch (IOException)
            {
                return false; // closed while we looked
            }
        });

    private static async Task<object?> ScalarAsync(IDatabaseServer server, string name, string sql)
    {
        await using var connection = await server.OpenAsync(name, Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(Ct);
    }

    [Fact]
    public async Task An_idle_database_gives_its_pooled_connection_back_and_reopens_on_next_use()
    {
        using var server = Server();
        await server.CreateEmptyAsync("idle", Ct);
        var path = server.PathOf("idle");

        Assert.Equal(1L, await ScalarAsync(server, "idle", "SELECT 1"));
        Assert.Equal(1, OpenHandles(path)); // pooled: still open after the caller disposed it
        _time.Advance(TimeSpan.FromSeconds(61));

        Assert.Equal(1, server.CloseIdlePools());
        Assert.Equal(0, OpenHandles(path));
        Assert.Equal(0, server.OpenPoolCount);
        Assert.Equal(1L, await ScalarAsync(server, "idle", "SELECT 1"));
        Assert.Equal(1, server.OpenPoolCount);
    }

    [Fact]
    public async Task A_database_used_within_the_timeout_keeps_its_pool()
    {
        using var server = Server();
        await server.CreateEmptyAsync("busy", Ct);
        Assert.Equal(1L, await ScalarAsync(server, "busy", "SELECT 1"));
        _time.Advance(TimeSpan.FromSeconds(59));

        Assert.Equal(0, server.CloseIdlePools());
        Assert.Equal(1, OpenHandles(server.PathOf("busy")));
    }

    [Fact]
    public async Task A_reused_pooled_handle_keeps_every_connection_setting()
    {
        using var server = Server();
        await server.CreateEmptyAsync("settings", Ct);
        for (var use = 0; use < 3; use++)
        {
            await using var connection = (SqliteConnection)await server.OpenAsync("settings", Ct);
            await SqliteDialect.Instance.PrepareConnectionAsync(connection, Ct);
            async Task<object?> Scalar(string sql)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = sql;
                return await command.ExecuteScalarAsync(Ct);
            }

            Assert.Equal(10000L, await Scalar("PRAGMA busy_timeout"));
            Assert.Equal(1L, await Scalar("PRAGMA foreign_keys"));
            Assert.Equal(-256L, await Scalar("PRAGMA cache_size"));
            Assert.Equal(1L, await Scalar("PRAGMA synchronous")); // NORMAL
            Assert.Equal(0L, await Scalar("SELECT 'a' LIKE 'A'")); // case-sensitive, as on PostgreSQL
            Assert.Equal("äb", await Scalar("SELECT saas_lower('ÄB')"));
        }

        Assert.Equal(1, OpenHandles(server.PathOf("settings"))); // the same handle served every use
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>PostgreSQL pools: one cap on the connections of every tenant, idle pools closed.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresPoolTests : IAsyncLifetime
{
    private const int Cap = 3;

    private readonly string _prefix = "s" + Guid.NewGuid().ToString("N")[..7];
    private string _connectionString = "";
    private PostgresDatabaseServer? _server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private PostgresDatabaseServer Server => _server!;

    public async ValueTask InitializeAsync()
    {
        _connectionString = await TestPostgres.ConnectionStringAsync(Ct);
        _server = new PostgresDatabaseServer(new StorageOptions
        {
            Backend = DatabaseBackend.Postgres,
            DataDirectory = Path.GetTempPath(),
            PostgresConnectionString = _connectionString,
            MaxConnections = Cap,
            IdlePoolTimeout = TimeSpan.FromHours(1),
        }, PostgresDialect.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        await TestPostgres.DropDatabasesAsync(_prefix, CancellationToken.None);
    }

    /// <summary>Server sessions on this test's databases, as PostgreSQL itself counts them.</summary>
    private async Task<int> SessionsAsync()
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname LIKE $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = _prefix + "%" });
        return Convert.ToInt32(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The sessions PostgreSQL reports, once closed sockets have been noticed: a backend leaves pg_stat_activity a
    /// moment after its client hung up, so a count above the cap is re-read for up to five seconds before it counts.
    /// </summary>
    private async Task<int> SettledSessionsAsync()
    {
        var sessions = await SessionsAsync();
        for (var i = 0; i < 50 && sessions > Cap; i++)
        {
            await Task.Delay(100, Ct);
            sessions = await SessionsAsync();
        }

        return sessions;
    }

    private async Task<List<string>> CreateDatabasesAsync(int count)
    {
        var names = Enumerable.Range(1, count).Select(i => $"{_prefix}-{i}").ToList();
        foreach (var name in names)
        {
            await Server.CreateEmptyAsync(name, Ct);
        }

        return names;
    }

    private async Task UseAsync(string name)
    {
        await using var connection = await Server.OpenAsync(name, Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT current_database()";
        Assert.Equal(name, await command.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task More_databases_than_the_cap_used_one_after_another_never_hold_more_connections_than_the_cap()
    {
        var names = await CreateDatabasesAsync(Cap * 2 + 1);
        for (var round = 0; round < 2; round++)
        {
            foreach (var name in names)
            {
                await UseAsync(name);
                Assert.InRange(Server.HeldConnections, 1, Cap);
                Assert.InRange(await SettledSessionsAsync(), 1, Cap);
            }
        }
    }

    [Fact]
    public async Task When_every_connection_is_busy_the_next_open_waits_for_one_to_be_given_back()
    {
        var names = await CreateDatabasesAsync(Cap + 1);
        var busy = new List<System.Data.Common.DbConnection>();
        foreach (var name in names.Take(Cap))
        {
            busy.Add(await Server.OpenAsync(name, Ct));
        }

        var waiting = Server.OpenAsync(names[Cap], Ct);
        await Task.Delay(300, Ct);
        Assert.False(waiting.IsCompleted);
        Assert.Equal(Cap, await SettledSessionsAsync());

        await busy[0].DisposeAsync();
        await using (var late = await waiting.WaitAsync(TimeSpan.FromSeconds(10), Ct))
        {
            Assert.Equal(System.Data.ConnectionState.Open, late.State);
        }

        Assert.InRange(await SettledSessionsAsync(), 1, Cap);
        foreach (var connection in busy.Skip(1))
        {
            await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task Idle_pools_are_closed_and_their_sessions_end()
    {
        var time = new ManualTime();
        await using var server = new PostgresDatabaseServer(new StorageOptions
        {
            Backend = DatabaseBackend.Postgres,
            DataDirectory = Path.GetTempPath(),
            PostgresConnectionString = _connectionString,
            IdlePoolTimeout = TimeSpan.FromMinutes(1),
        }, PostgresDialect.Instance, time);
        var names = await CreateDatabasesAsync(2);
        foreach (var name in names)
        {
            await using var connection = await server.OpenAsync(name, Ct);
        }

        Assert.Equal(2, await SessionsAsync());
        Assert.Equal(0, server.CloseIdlePools());
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(2, server.CloseIdlePools());
        Assert.Equal(0, server.HeldConnections);
        var sessions = await SessionsAsync();
        for (var i = 0; i < 50 && sessions > 0; i++)
        {
            await Task.Delay(100, Ct);
            sessions = await SessionsAsync();
        }

        Assert.Equal(0, sessions);
    }

    private PostgresDatabaseServer ServerWithClock(ManualTime time) => new(new StorageOptions
    {
        Backend = DatabaseBackend.Postgres,
        DataDirectory = Path.GetTempPath(),
        PostgresConnectionString = _connectionString,
        IdlePoolTimeout = TimeSpan.FromMinutes(1),
    }, PostgresDialect.Instance, time);

    [Fact]
    public async Task An_idle_tenants_data_source_is_retired_and_its_next_call_gets_a_new_one()
    {
        var time = new ManualTime();
        await using var server = ServerWithClock(time);
        var names = await CreateDatabasesAsync(3);
        foreach (var name in names)
        {
            await using var connection = await server.OpenAsync(name, Ct);
        }

        Assert.Equal(3, server.PoolCount);
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(3, server.CloseIdlePools());

        // An emptied Npgsql data source still weighs ~70 KB: thousands of tenants that answered once must not keep theirs.
        Assert.Equal(0, server.PoolCount);
        await using (var again = await server.OpenAsync(names[0], Ct))
        await using (var command = again.CreateCommand())
        {
            command.CommandText = "SELECT current_database()";
            Assert.Equal(names[0], await command.ExecuteScalarAsync(Ct));
        }

        Assert.Equal(1, server.PoolCount);
    }

    [Fact]
    public async Task A_transaction_running_when_its_data_source_is_retired_commits_and_its_slot_is_reused()
    {
        var time = new ManualTime();
        await using var server = ServerWithClock(time);
        var name = (await CreateDatabasesAsync(1))[0];
        await using (var setup = await server.OpenAsync(name, Ct))
        await using (var create = setup.CreateCommand())
        {
            create.CommandText = "CREATE TABLE kept (id int)";
            await create.ExecuteNonQueryAsync(Ct);
        }

        var busy = await server.OpenAsync(name, Ct);
        await using (var transaction = await busy.BeginTransactionAsync(Ct))
        {
            // A long call: the tenant is opened by nobody else for longer than the idle timeout.
            time.Advance(TimeSpan.FromMinutes(2));
            Assert.Equal(1, server.CloseIdlePools());
            Assert.Equal(0, server.PoolCount);
            await using var insert = busy.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO kept VALUES (1)";
            await insert.ExecuteNonQueryAsync(Ct);
            await transaction.CommitAsync(Ct);
        }

        await busy.DisposeAsync();
        // Its slot counts as idle for the tenant (the connection itself was closed with the retired pool), so the
        // next open of the tenant reuses the slot rather than taking a second one.
        Assert.Equal(1, server.HeldConnections);
        await using var check = await server.OpenAsync(name, Ct);
        Assert.Equal(1, server.HeldConnections);
        await using var count = check.CreateCommand();
        count.CommandText = "SELECT count(*) FROM kept";
        Assert.Equal(1L, await count.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task Opens_racing_the_retirement_of_their_data_source_all_succeed()
    {
        var time = new ManualTime();
        await using var server = ServerWithClock(time);
        var name = (await CreateDatabasesAsync(1))[0];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var sweeps = 0;
        var sweeper = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                time.Advance(TimeSpan.FromMinutes(2));
                sweeps += server.CloseIdlePools();
                await Task.Yield();
            }
        }, CancellationToken.None);

        await Parallel.ForEachAsync(Enumerable.Range(0, 300), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = Ct }, async (_, ct) =>
        {
            await using var connection = await server.OpenAsync(name, ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            Assert.Equal(1, await command.ExecuteScalarAsync(ct));
        });
        await stop.CancelAsync();
        await sweeper;

        Assert.True(sweeps > 0, "the sweep never retired the data source while the opens ran");
        Assert.InRange(server.HeldConnections, 0, 4);
    }
}
