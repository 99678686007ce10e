using System.IO.Compression;
using SaasPortal.Storage;
using SaasPortal.Storage.Databases;
using SaasPortal.Storage.Dialects;
using SaasPortal.Testing;

namespace SaasPortal.Storage.Tests;

/// <summary>
/// The portable backup format (docs/backups.md) between the two backends, below the ORM: the schema comes from an
/// initializer, as it comes from the module list in the product, and the rows are converted to its column types.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PortableBackupTests : IAsyncLifetime
{
    private static readonly byte[] Blob = [0, 1, 2, 250, 251, 252];

    private Backend? _sqlite;
    private Backend? _postgres;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _sqlite = await Backend.CreateAsync(DatabaseBackend.Sqlite, Ct);
        _postgres = await Backend.CreateAsync(DatabaseBackend.Postgres, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_sqlite is not null)
        {
            await _sqlite.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    [Fact]
    public async Task Every_column_type_survives_sqlite_to_postgres_and_back()
    {
        var sqlite = new DatabaseManager(_sqlite!.Server, _sqlite.Options, new KindsSchema(_sqlite.Server));
        var postgres = new DatabaseManager(_postgres!.Server, _postgres.Options, new KindsSchema(_postgres.Server));
        var source = _sqlite.Name("src");
        await sqlite.CreateAsync(new DatabaseInitialization { Name = source, Password = "pw" }, Ct);
        await using (var connection = await _sqlite.Server.OpenAsync(source, Ct))
        await using (var insert = connection.CreateCommand())
        {
            insert.CommandText = "INSERT INTO kinds (id, flag, day, moment, amount, data, label) VALUES " +
                $"(7, 1, '2026-11-29', '2026-11-29 10:11:12', 12.5, {SqliteDialect.Instance.Parameter(0)}, 'é ✓'), (9, 0, NULL, NULL, NULL, NULL, NULL)";
            SqliteDialect.Instance.AddParameter(insert, 0, Blob);
            await insert.ExecuteNonQueryAsync(Ct);
        }

        var moved = _postgres.Name("moved");
        await postgres.RestoreAsync(moved, await DumpAsync(sqlite, source), copy: false, Ct);

        Assert.Equal(true, await _postgres.ScalarAsync(moved, "SELECT flag FROM kinds WHERE id = 7", Ct));
        Assert.Equal(new DateOnly(2026, 11, 29), await _postgres.ScalarAsync(moved, "SELECT day FROM kinds WHERE id = 7", Ct));
        Assert.Equal(new DateTime(2026, 11, 29, 10, 11, 12), await _postgres.ScalarAsync(moved, "SELECT moment FROM kinds WHERE id = 7", Ct));
        Assert.Equal(12.5, await _postgres.ScalarAsync(moved, "SELECT amount FROM kinds WHERE id = 7", Ct));
        Assert.Equal(Blob, await _postgres.ScalarAsync(moved, "SELECT data FROM kinds WHERE id = 7", Ct));
        Assert.Equal("é ✓", await _postgres.ScalarAsync(moved, "SELECT label FROM kinds WHERE id = 7", Ct));
        Assert.Equal(false, await _postgres.ScalarAsync(moved, "SELECT flag FROM kinds WHERE id = 9", Ct));
        Assert.Equal(DBNull.Value, await _postgres.ScalarAsync(moved, "SELECT day FROM kinds WHERE id = 9", Ct));
        // The id sequence continues after the restored ids.
        Assert.Equal(10, await _postgres.ScalarAsync(moved, "INSERT INTO kinds (label) VALUES ('next') RETURNING id", Ct));

        var back = _sqlite.Name("back");
        await sqlite.RestoreAsync(back, await DumpAsync(postgres, moved), copy: false, Ct);

        Assert.Equal(1L, await _sqlite.ScalarAsync(back, "SELECT flag FROM kinds WHERE id = 7", Ct));
        Assert.Equal("2026-11-29", await _sqlite.ScalarAsync(back, "SELECT day FROM kinds WHERE id = 7", Ct));
        Assert.Equal("2026-11-29 10:11:12", await _sqlite.ScalarAsync(back, "SELECT moment FROM kinds WHERE id = 7", Ct));
        Assert.Equal(12.5, await _sqlite.ScalarAsync(back, "SELECT amount FROM kinds WHERE id = 7", Ct));
        Assert.Equal(Blob, await _sqlite.ScalarAsync(back, "SELECT data FROM kinds WHERE id = 7", Ct));
        Assert.Equal("é ✓", await _sqlite.ScalarAsync(back, "SELECT label FROM kinds WHERE id = 7", Ct));
        Assert.Equal(3L, await _sqlite.ScalarAsync(back, "SELECT COUNT(*) FROM kinds", Ct));
    }

    [Fact]
    public async Task An_archive_missing_a_listed_entry_is_refused_before_anything_is_created()
    {
        var manager = new DatabaseManager(_sqlite!.Server, _sqlite.Options, new KindsSchema(_sqlite.Server));
        var source = _sqlite.Name("src");
        await manager.CreateAsync(new DatabaseInitialization { Name = source, Password = "pw" }, Ct);
        var archive = await DumpAsync(manager, source);
        await using (var zip = new ZipArchive(archive, ZipArchiveMode.Update, leaveOpen: true))
        {
            zip.GetEntry("data/kinds.jsonl")!.Delete();
        }

        archive.Position = 0;
        var target = _sqlite.Name("target");
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => manager.RestoreAsync(target, archive, copy: false, Ct));

        Assert.Contains("data/kinds.jsonl", error.Message, StringComparison.Ordinal);
        Assert.Contains("incomplete", error.Message, StringComparison.Ordinal);
        Assert.False(await _sqlite.Server.ExistsAsync(target, Ct));
    }

    private static async Task<MemoryStream> DumpAsync(DatabaseManager manager, string name)
    {
        var archive = new MemoryStream();
        await manager.DumpAsync(name, archive, Ct);
        archive.Position = 0;
        return archive;
    }

    /// <summary>Stands in for the module system: one table with a column of every kind, in the backend's own types.</summary>
    private sealed class KindsSchema(IDatabaseServer server) : IDatabaseInitializer
    {
        public async Task InitializeAsync(DatabaseInitialization request, CancellationToken cancellationToken)
        {
            var d = server.Dialect;
            await using var connection = await server.OpenAsync(request.Name, cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = $"CREATE TABLE kinds ({d.PrimaryKeyColumn}, flag {d.ColumnType(SqlColumnType.Boolean)}, day {d.ColumnType(SqlColumnType.Date)}, " +
                $"moment {d.ColumnType(SqlColumnType.DateTime)}, amount {d.ColumnType(SqlColumnType.Double)}, data {d.ColumnType(SqlColumnType.Binary)}, " +
                $"label {d.ColumnType(SqlColumnType.Text)})";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
