using System.Text.Json;
using SaasPortal.Testing;

namespace SaasPortal.EndToEnd.Tests;

/// <summary>The db service over HTTP on one backend; the derived classes run it on SQLite and PostgreSQL.</summary>
public abstract class DbServiceTests(ServerFixture fixture)
{
    private static string Script(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Scripts", name));

    [Fact]
    public async Task Python_xmlrpc_client_creates_duplicates_dumps_restores_renames_and_drops_databases()
    {
        var ct = TestContext.Current.CancellationToken;
        var result = await PythonScript.RunAsync(Script("db_service.py"),
            [fixture.Url, fixture.MasterPassword, fixture.NewDatabaseName("py")], ct);

        Assert.True(result.ExitCode == 0, result + "\n--- server\n" + fixture.Server.Output);
        Assert.Equal("ok", result.Output.Trim());
        Assert.True(fixture.Server.IsRunning);
    }

    [Fact]
    public async Task Json_rpc_offers_the_same_db_calls_with_odoo_error_shape()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = new JsonRpcClient(fixture.Url);
        var a = fixture.NewDatabaseName("json-a");
        var b = fixture.NewDatabaseName("json-b");

        var version = await client.CallAsync("common", "version", [], ct);
        Assert.Equal("8.0", version.GetProperty("server_version").GetString());
        Assert.Equal(1, version.GetProperty("protocol_version").GetInt32());

        Assert.True((await client.CallAsync("db", "create_database", [fixture.MasterPassword, a, false, "en_US", "admin"], ct)).GetBoolean());
        Assert.True((await client.CallAsync("db", "duplicate_database", [fixture.MasterPassword, a, b], ct)).GetBoolean());
        var listed = (await client.CallAsync("db", "list", [], ct)).EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains(a, listed);
        Assert.Contains(b, listed);

        var denied = await Assert.ThrowsAsync<JsonRpcError>(() => client.CallAsync("db", "drop", ["not-the-password", a], ct));
        Assert.Equal(200, denied.Code);
        Assert.Equal("Odoo Server Error", denied.ErrorMessage);
        Assert.Equal("odoo.exceptions.AccessDenied", denied.Name);
        Assert.Equal("Access Denied", denied.DataMessage);

        Assert.True((await client.CallAsync("db", "drop", [fixture.MasterPassword, a], ct)).GetBoolean());
        Assert.True((await client.CallAsync("db", "drop", [fixture.MasterPassword, b], ct)).GetBoolean());
        Assert.False((await client.CallAsync("db", "drop", [fixture.MasterPassword, b], ct)).GetBoolean());
        listed = (await client.CallAsync("db", "list", [], ct)).EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.DoesNotContain(a, listed);
        Assert.DoesNotContain(b, listed);
    }

    [Fact]
    public async Task File_store_travels_with_duplicate_dump_restore_rename_and_drop()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = new JsonRpcClient(fixture.Url);
        string[] names = [fixture.NewDatabaseName("fs-a"), fixture.NewDatabaseName("fs-b"), fixture.NewDatabaseName("fs-c"), fixture.NewDatabaseName("fs-d")];
        var (a, b, c, d) = (names[0], names[1], names[2], names[3]);
        await client.CallAsync("db", "create_database", [fixture.MasterPassword, a, false, "en_US"], ct);
        var attachment = Path.Combine("ab", "abcdef0123");
        var source = Path.Combine(fixture.Server.DataDirectory, "filestore", a, attachment);
        Directory.CreateDirectory(Path.GetDirectoryName(source)!);
        await File.WriteAllTextAsync(source, "attachment body", ct);

        await client.CallAsync("db", "duplicate_database", [fixture.MasterPassword, a, b], ct);
        Assert.Equal("attachment body", await File.ReadAllTextAsync(FileOf(b), ct));

        var dump = (await client.CallAsync("db", "dump", [fixture.MasterPassword, b, "zip"], ct)).GetString()!;
        await client.CallAsync("db", "restore", [fixture.MasterPassword, c, dump], ct);
        Assert.Equal("attachment body", await File.ReadAllTextAsync(FileOf(c), ct));

        await client.CallAsync("db", "rename", [fixture.MasterPassword, c, d], ct);
        Assert.False(File.Exists(FileOf(c)));
        Assert.Equal("attachment body", await File.ReadAllTextAsync(FileOf(d), ct));

        foreach (var name in new[] { a, b, d })
        {
            Assert.True((await client.CallAsync("db", "drop", [fixture.MasterPassword, name], ct)).GetBoolean());
            Assert.False(Directory.Exists(Path.Combine(fixture.Server.DataDirectory, "filestore", name)));
        }

        string FileOf(string database) => Path.Combine(fixture.Server.DataDirectory, "filestore", database, attachment);
    }

    [Fact]
    public async Task Concurrent_creates_of_one_name_have_exactly_one_winner()
    {
        var ct = TestContext.Current.CancellationToken;
        var name = fixture.NewDatabaseName("race");
        var attempts = Enumerable.Range(0, 4).Select(async _ =>
        {
            using var client = new JsonRpcClient(fixture.Url);
            try
            {
                return (await client.CallAsync("db", "create_database", [fixture.MasterPassword, name, false, "en_US"], ct)).GetBoolean()
                    ? "created"
                    : "false";
            }
            catch (JsonRpcError e)
            {
                return e.DataMessage;
            }
        });

        var outcomes = await Task.WhenAll(attempts);

        Assert.Single(outcomes, o => o == "created");
        Assert.All(outcomes.Where(o => o != "created"), o => Assert.Equal($"database '{name}' already exists!", o));
        using var cleanup = new JsonRpcClient(fixture.Url);
        Assert.True((await cleanup.CallAsync("db", "drop", [fixture.MasterPassword, name], ct)).GetBoolean());
    }

    [Fact]
    public async Task Changed_master_password_is_required_at_once_and_persisted_owner_only()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = new JsonRpcClient(fixture.Url);
        var original = fixture.MasterPassword;
        var file = Path.Combine(fixture.Server.DataDirectory, "master-password");
        try
        {
            Assert.True((await client.CallAsync("db", "change_admin_password", [original, "new-master-secret"], ct)).GetBoolean());

            var denied = await Assert.ThrowsAsync<JsonRpcError>(() => client.CallAsync("db", "drop", [original, "whatever"], ct));
            Assert.Equal("odoo.exceptions.AccessDenied", denied.Name);
            Assert.False((await client.CallAsync("db", "drop", ["new-master-secret", fixture.NewDatabaseName("absent")], ct)).GetBoolean());
            Assert.Equal("new-master-secret", (await File.ReadAllTextAsync(file, ct)).Trim());
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
        finally
        {
            await client.CallAsync("db", "change_admin_password", ["new-master-secret", original], ct);
        }

        Assert.DoesNotContain(original, fixture.Server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("new-master-secret", fixture.Server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restore_of_a_damaged_archive_is_refused_and_leaves_no_database()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = new JsonRpcClient(fixture.Url);
        var name = fixture.NewDatabaseName("broken");

        var notZip = await Assert.ThrowsAsync<JsonRpcError>(() =>
            client.CallAsync("db", "restore", [fixture.MasterPassword, name, Convert.ToBase64String("not a zip"u8.ToArray())], ct));
        Assert.Equal("odoo.exceptions.UserError", notZip.Name);
        Assert.Contains("zip", notZip.DataMessage, StringComparison.OrdinalIgnoreCase);

        var notBase64 = await Assert.ThrowsAsync<JsonRpcError>(() => client.CallAsync("db", "restore", [fixture.MasterPassword, name, "%%%"], ct));
        Assert.Contains("base64", notBase64.DataMessage, StringComparison.Ordinal);

        Assert.False((await client.CallAsync("db", "db_exist", [name], ct)).GetBoolean());
    }
}

[Collection(SqliteServerCollection.Name)]
public sealed class SqliteDbServiceTests(SqliteServerFixture fixture) : DbServiceTests(fixture);

[Collection(PostgresServerCollection.Name)]
public sealed class PostgresDbServiceTests(PostgresServerFixture fixture) : DbServiceTests(fixture);
