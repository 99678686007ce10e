using Microsoft.Data.Sqlite;
using SaasPortal.Storage;
using SaasPortal.Storage.Databases;

namespace SaasPortal.Storage.Tests;

/// <summary>The IDatabaseServer contract; the derived classes run it on SQLite and PostgreSQL.</summary>
public abstract class DatabaseServerTests(DatabaseBackend kind) : IAsyncLifetime
{
    private Backend? _backend;

    protected Backend B => _backend!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _backend = await Backend.CreateAsync(kind, Ct);

    public async ValueTask DisposeAsync()
    {
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Created_database_is_listed_opens_and_reports_a_size()
    {
        var name = B.Name("new");
        Assert.False(await B.Server.ExistsAsync(name, Ct));

        await B.Server.CreateEmptyAsync(name, Ct);

        Assert.True(await B.Server.ExistsAsync(name, Ct));
        Assert.Contains(name, await B.Server.ListAsync(Ct));
        Assert.Equal(1, Convert.ToInt32(await B.ScalarAsync(name, "SELECT 1", Ct)));
        Assert.True(await B.Server.SizeInBytesAsync(name, Ct) > 0);
    }

    [Fact]
    public async Task Of_concurrent_creates_of_one_name_exactly_one_wins()
    {
        var name = B.Name("race");
        var attempts = Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            try
            {
                await B.Server.CreateEmptyAsync(name, Ct);
                return true;
            }
            catch (DatabaseExistsException e) when (e.Name == name)
            {
                return false;
            }
        }));

        var outcomes = await Task.WhenAll(attempts);

        Assert.Single(outcomes, won => won);
        Assert.Equal(1, Convert.ToInt32(await B.ScalarAsync(name, "SELECT 1", Ct)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Upper")]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("a\"; DROP DATABASE x; --")]
    [InlineData("-leading-dash")]
    public async Task Invalid_names_are_refused_before_anything_is_touched(string name)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => B.Server.CreateEmptyAsync(name, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => B.Server.OpenAsync(name, Ct));
    }

    [Fact]
    public async Task Copy_holds_the_data_and_is_independent_of_its_source()
    {
        var source = B.Name("src");
        var target = B.Name("dst");
        await B.Server.CreateEmptyAsync(source, Ct);
        await using (var connection = await B.Server.OpenAsync(source, Ct))
        {
            await B.ExecuteAsync(connection, "CREATE TABLE t (v integer); INSERT INTO t VALUES (1), (2), (3);", Ct);
        }

        await B.Server.CopyAsync(source, target, Ct);
        await using (var connection = await B.Server.OpenAsync(source, Ct))
        {
            await B.ExecuteAsync(connection, "INSERT INTO t VALUES (4);", Ct);
        }

        Assert.Equal(3, Convert.ToInt32(await B.ScalarAsync(target, "SELECT count(*) FROM t", Ct)));
        Assert.Equal(4, Convert.ToInt32(await B.ScalarAsync(source, "SELECT count(*) FROM t", Ct)));
    }

    [Fact]
    public async Task Copy_while_the_source_is_written_is_a_consistent_snapshot()
    {
        var source = B.Name("busy");
        await B.Server.CreateEmptyAsync(source, Ct);
        await using (var connection = await B.Server.OpenAsync(source, Ct))
        {
            // Every transaction inserts a pair of rows, so a consistent copy always holds an even count.
            await B.ExecuteAsync(connection, "CREATE TABLE t (v integer)", Ct);
        }

        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            var written = 0;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await using var connection = await B.Server.OpenAsync(source, CancellationToken.None);
                    await B.ExecuteAsync(connection, "BEGIN; INSERT INTO t VALUES (1); INSERT INTO t VALUES (2); COMMIT;", CancellationToken.None);
                    written++;
                }
                catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException)
                {
                    // PostgreSQL's copy ends the source's sessions; a writer reconnects, as a real client would.
                }
            }

            return written;
        });

        await Task.Delay(100, Ct);
        var copies = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var target = B.Name("snap");
            await B.Server.CopyAsync(source, target, Ct);
            copies.Add(target);
        }

        await stop.CancelAsync();
        Assert.True(await writer > 0);
        foreach (var copy in copies)
        {
            var count = Convert.ToInt64(await B.ScalarAsync(copy, "SELECT count(*) FROM t", Ct));
            Assert.Equal(0, count % 2);
        }
    }

    [Fact]
    public async Task Copy_onto_an_existing_name_or_from_a_missing_one_is_refused()
    {
        var a = B.Name("a");
        var b = B.Name("b");
        await B.Server.CreateEmptyAsync(a, Ct);
        await B.Server.CreateEmptyAsync(b, Ct);

        var taken = await Assert.ThrowsAsync<DatabaseExistsException>(() => B.Server.CopyAsync(a, b, Ct));
        Assert.Equal(b, taken.Name);
        await Assert.ThrowsAsync<DatabaseNotFoundException>(() => B.Server.CopyAsync(B.Name("missing"), B.Name("c"), Ct));
    }

    [Fact]
    public async Task Rename_moves_the_data_and_frees_the_old_name()
    {
        var old = B.Name("old");
        var renamed = B.Name("renamed");
        await B.Server.CreateEmptyAsync(old, Ct);
        await using (var connection = await B.Server.OpenAsync(old, Ct))
        {
            await B.ExecuteAsync(connection, "CREATE TABLE t (v integer); INSERT INTO t VALUES (7);", Ct);
        }

        await B.Server.RenameAsync(old, renamed, Ct);

        Assert.False(await B.Server.ExistsAsync(old, Ct));
        Assert.Equal(7, Convert.ToInt32(await B.ScalarAsync(renamed, "SELECT v FROM t", Ct)));
        await Assert.ThrowsAsync<DatabaseNotFoundException>(() => B.Server.OpenAsync(old, Ct));
    }

    [Fact]
    public async Task Drop_closes_pooled_connections_and_says_whether_it_dropped()
    {
        var name = B.Name("drop");
        await B.Server.CreateEmptyAsync(name, Ct);
        // Leave an idle connection in the pool, as a finished request would.
        await (await B.Server.OpenAsync(name, Ct)).DisposeAsync();

        Assert.True(await B.Server.DropAsync(name, Ct));
        Assert.False(await B.Server.DropAsync(name, Ct));
        Assert.DoesNotContain(name, await B.Server.ListAsync(Ct));
        await Assert.ThrowsAsync<DatabaseNotFoundException>(() => B.Server.OpenAsync(name, Ct));
    }

    [Fact]
    public async Task Backup_and_restore_round_trip_the_data()
    {
        var name = B.Name("bak");
        var restored = B.Name("restored");
        await B.Server.CreateEmptyAsync(name, Ct);
        await using (var connection = await B.Server.OpenAsync(name, Ct))
        {
            await B.ExecuteAsync(connection, "CREATE TABLE t (v text); INSERT INTO t VALUES ('héllo');", Ct);
        }

        var file = Path.Combine(B.Options.DataDirectory, "backup.bin");
        await B.Server.BackupAsync(name, file, Ct);
        await B.Server.RestoreAsync(restored, file, Ct);

        Assert.Equal("héllo", await B.ScalarAsync(restored, "SELECT v FROM t", Ct));
        await Assert.ThrowsAsync<DatabaseExistsException>(() => B.Server.RestoreAsync(restored, file, Ct));
    }

    [Fact]
    public async Task Restore_of_a_file_that_is_no_backup_leaves_no_database()
    {
        var name = B.Name("garbage");
        var file = Path.Combine(B.Options.DataDirectory, "garbage.bin");
        await File.WriteAllBytesAsync(file, new byte[8192], Ct);

        await Assert.ThrowsAnyAsync<Exception>(() => B.Server.RestoreAsync(name, file, Ct));

        Assert.False(await B.Server.ExistsAsync(name, Ct));
    }
}

public sealed class SqliteDatabaseServerTests() : DatabaseServerTests(DatabaseBackend.Sqlite)
{
    [Fact]
    public async Task Connections_use_wal_a_busy_timeout_and_foreign_keys()
    {
        var ct = TestContext.Current.CancellationToken;
        var name = B.Name("pragmas");
        await B.Server.CreateEmptyAsync(name, ct);

        Assert.Equal("wal", await B.ScalarAsync(name, "PRAGMA journal_mode", ct));
        Assert.Equal(10000L, await B.ScalarAsync(name, "PRAGMA busy_timeout", ct));
        Assert.Equal(1L, await B.ScalarAsync(name, "PRAGMA foreign_keys", ct));
        Assert.True(File.Exists(Path.Combine(B.Options.DataDirectory, "db", name + ".sqlite")));
    }

    [Fact]
    public async Task Files_that_are_not_valid_names_are_not_listed()
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = Path.Combine(B.Options.DataDirectory, "db");
        Directory.CreateDirectory(directory);
        await File.WriteAllBytesAsync(Path.Combine(directory, "Not Valid.sqlite"), [], ct);
        await File.WriteAllBytesAsync(Path.Combine(directory, ".hidden.tmp"), [], ct);

        Assert.Empty(await B.Server.ListAsync(ct));
        SqliteConnection.ClearAllPools();
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresDatabaseServerTests() : DatabaseServerTests(DatabaseBackend.Postgres);

/// <summary>PostgreSQL tests end other sessions of their databases; they run one class at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PostgresCollection
{
    public const string Name = "postgres";
}
