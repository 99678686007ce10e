using System.IO.Compression;
using System.Text;
using SaasPortal.Storage;
using SaasPortal.Storage.Databases;

namespace SaasPortal.Storage.Tests;

/// <summary>Whole-database operations with the file store, on both backends.</summary>
public abstract class DatabaseManagerTests(DatabaseBackend kind) : IAsyncLifetime
{
    private Backend? _backend;

    private Backend B => _backend!;

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
    public async Task A_failing_initializer_leaves_neither_database_nor_file_store()
    {
        var manager = new DatabaseManager(B.Server, B.Options, new FailingInitializer());
        var name = B.Name("half");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            manager.CreateAsync(new DatabaseInitialization { Name = name, Password = "pw" }, Ct));

        Assert.Equal("base failed to install", error.Message);
        Assert.False(await B.Server.ExistsAsync(name, Ct));
        Assert.False(Directory.Exists(manager.FilestoreOf(name)));
    }

    [Fact]
    public async Task Initializer_receives_the_request_and_copies_get_a_new_identity()
    {
        var initializer = new RecordingInitializer();
        var manager = new DatabaseManager(B.Server, B.Options, initializer);
        var name = B.Name("init");
        var copy = B.Name("copy");

        await manager.CreateAsync(new DatabaseInitialization { Name = name, Password = "secret", Login = "boss", Lang = "fr_FR" }, Ct);
        await manager.DuplicateAsync(name, copy, Ct);

        var request = Assert.Single(initializer.Initialized);
        Assert.Equal((name, "boss", "secret", "fr_FR"), (request.Name, request.Login, request.Password, request.Lang));
        Assert.Equal([copy], initializer.Reset);
    }

    [Fact]
    public async Task Dump_and_restore_carry_database_and_file_store()
    {
        var manager = new DatabaseManager(B.Server, B.Options, new RecordingInitializer());
        var name = B.Name("dump");
        var restored = B.Name("back");
        await manager.CreateAsync(new DatabaseInitialization { Name = name, Password = "pw" }, Ct);
        await using (var connection = await B.Server.OpenAsync(name, Ct))
        {
            await B.ExecuteAsync(connection, "CREATE TABLE t (v text); INSERT INTO t VALUES ('kept');", Ct);
        }

        var attachment = Path.Combine(manager.FilestoreOf(name), "ab", "abcdef");
        Directory.CreateDirectory(Path.GetDirectoryName(attachment)!);
        await File.WriteAllTextAsync(attachment, "file body", Ct);

        using var archive = new MemoryStream();
        await manager.DumpAsync(name, archive, Ct);
        archive.Position = 0;
        await manager.RestoreAsync(restored, archive, copy: false, Ct);

        Assert.Equal("kept", await B.ScalarAsync(restored, "SELECT v FROM t", Ct));
        Assert.Equal("file body", await File.ReadAllTextAsync(Path.Combine(manager.FilestoreOf(restored), "ab", "abcdef"), Ct));
    }

    [Fact]
    public async Task Restore_refuses_paths_that_escape_the_file_store_and_leaves_nothing()
    {
        var manager = new DatabaseManager(B.Server, B.Options, new RecordingInitializer());
        var name = B.Name("src");
        var target = B.Name("evil");
        await manager.CreateAsync(new DatabaseInitialization { Name = name, Password = "pw" }, Ct);
        var archive = await DumpWithExtraEntryAsync(manager, name, "filestore/../../../escaped.txt");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => manager.RestoreAsync(target, archive, copy: false, Ct));

        Assert.Contains("outside the file store", error.Message, StringComparison.Ordinal);
        Assert.False(await B.Server.ExistsAsync(target, Ct));
        Assert.False(File.Exists(Path.Combine(B.Options.DataDirectory, "escaped.txt")));
        Assert.False(File.Exists(Path.Combine(B.Options.DataDirectory, "..", "escaped.txt")));
    }

    [Fact]
    public async Task Restore_refuses_a_dump_of_the_other_backend()
    {
        var manager = new DatabaseManager(B.Server, B.Options, new RecordingInitializer());
        var other = kind == DatabaseBackend.Sqlite ? "postgres" : "sqlite";
        using var archive = new MemoryStream();
        await using (var zip = new ZipArchive(archive, ZipArchiveMode.Create, leaveOpen: true))
        {
            await using var stream = await zip.CreateEntry("manifest.json").OpenAsync(Ct);
            await stream.WriteAsync(Encoding.UTF8.GetBytes($"{{\"format\":\"saasportal-dump\",\"version\":1,\"backend\":\"{other}\"}}"), Ct);
        }

        archive.Position = 0;
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => manager.RestoreAsync(B.Name("x"), archive, copy: false, Ct));

        Assert.Contains(other, error.Message, StringComparison.Ordinal);
    }

    private async Task<MemoryStream> DumpWithExtraEntryAsync(DatabaseManager manager, string name, string entry)
    {
        var archive = new MemoryStream();
        await manager.DumpAsync(name, archive, Ct);
        archive.Position = 0;
        await using (var zip = new ZipArchive(archive, ZipArchiveMode.Update, leaveOpen: true))
        {
            await using var stream = await zip.CreateEntry(entry).OpenAsync(Ct);
            await stream.WriteAsync("escaped"u8.ToArray(), Ct);
        }

        archive.Position = 0;
        return archive;
    }

    private sealed class FailingInitializer : IDatabaseInitializer
    {
        public Task InitializeAsync(DatabaseInitialization request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("base failed to install");
    }

    private sealed class RecordingInitializer : IDatabaseInitializer
    {
        public List<DatabaseInitialization> Initialized { get; } = [];

        public List<string> Reset { get; } = [];

        public Task InitializeAsync(DatabaseInitialization request, CancellationToken cancellationToken)
        {
            Initialized.Add(request);
            return Task.CompletedTask;
        }

        public Task ResetIdentityAsync(string name, CancellationToken cancellationToken)
        {
            Reset.Add(name);
            return Task.CompletedTask;
        }
    }
}

public sealed class SqliteDatabaseManagerTests() : DatabaseManagerTests(DatabaseBackend.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class PostgresDatabaseManagerTests() : DatabaseManagerTests(DatabaseBackend.Postgres);
