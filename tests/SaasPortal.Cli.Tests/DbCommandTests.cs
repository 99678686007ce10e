using System.IO.Compression;

namespace SaasPortal.Cli.Tests;

/// <summary><c>saasportal db …</c> on SQLite data directories.</summary>
public sealed class DbCommandTests(PortalDataFixture portal)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Db_list_prints_every_database_as_text_and_as_json()
    {
        var data = portal.NewDataDirectory();

        var text = Expect.Ok(await Cli.RunAsync(Expect.On(data, "db", "list"), Ct));
        var json = Expect.Ok(await Cli.RunAsync(Expect.On(data, "db", "list", "--json"), Ct));

        var lines = text.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(["name", "portal", "portal-template", PortalDataFixture.ClientDatabase], lines);
        Assert.Equal(["portal", "portal-template", PortalDataFixture.ClientDatabase],
            json.Json.EnumerateArray().Select(e => e.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Db_create_makes_a_database_that_lists_and_refuses_a_taken_name_with_exit_code_4()
    {
        var data = portal.NewDataDirectory();

        var created = Expect.Ok(await Cli.RunAsync(Expect.On(data, "db", "create", "fresh", "--addons", "contacts", "--password-stdin", "--json"), Ct,
            stdin: "a secret password\n"));
        var again = await Cli.RunAsync(Expect.On(data, "db", "create", "fresh"), Ct);
        var modules = Expect.Ok(await Cli.RunAsync(Expect.On(data, "addons", "list", "--db", "fresh", "--json"), Ct));

        Assert.True(created.Json.GetProperty("created").GetBoolean());
        Assert.DoesNotContain("a secret password", created.Stdout + created.Stderr, StringComparison.Ordinal);
        Expect.Failure(again, 4, "fresh");
        Assert.Contains(modules.Json.EnumerateArray(), m => m.GetProperty("name").GetString() == "contacts" && m.GetProperty("state").GetString() == "installed");
    }

    [Fact]
    public async Task Db_create_in_a_data_directory_that_does_not_exist_yet_creates_it()
    {
        var data = portal.NewEmptyDirectory();

        Expect.Ok(await Cli.RunAsync(Expect.On(data, "db", "create", "first"), Ct));

        Assert.True(File.Exists(Path.Combine(data, "db", "first.sqlite")));
    }

    [Fact]
    public async Task Commands_on_a_data_directory_that_does_not_exist_exit_3_without_creating_it()
    {
        var data = portal.NewEmptyDirectory();

        var result = await Cli.RunAsync(Expect.On(data, "db", "list"), Ct);

        Expect.Failure(result, 3, data);
        Assert.False(Directory.Exists(data));
    }

    [Theory]
    [InlineData("create", "Bad/Name")]
    [InlineData("drop", "UPPER")]
    [InlineData("backup", "../escape")]
    public async Task Invalid_database_names_are_usage_errors_naming_the_rule(string command, string name)
    {
        var data = portal.NewDataDirectory();

        var result = await Cli.RunAsync(Expect.On(data, "db", command, name), Ct);

        Expect.Failure(result, 2, "not a valid database name");
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task Db_drop_removes_the_database_and_its_file_store_and_a_second_drop_exits_3()
    {
        var data = portal.NewDataDirectory();
        Directory.CreateDirectory(Path.Combine(data, "filestore", PortalDataFixture.ClientDatabase));

        var dropped = Expect.Ok(await Cli.RunAsync(Expect.On(data, "db", "drop", PortalDataFixture.ClientDatabase, "--json"), Ct));
        var again = await Cli.RunAsync(Expect.On(data, "db", "drop", PortalDataFixture.ClientDatabase), Ct);
        var list = Expect.Ok(await Cli.RunAsync(Expect.On(data, "db", "list"), Ct));

        Assert.True(dropped.Json.GetProperty("dropped").GetBoolean());
        Expect.Failure(again, 3, PortalDataFixture.ClientDatabase);
        Assert.DoesNotContain(PortalDataFixture.ClientDatabase, list.Stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(data, "filestore", PortalDataFixture.ClientDatabase)));
    }

    [Fact]
    public async Task Dropping_the_portal_database_needs_force()
    {
        var data = portal.NewDataDirectory();

        var refused = await Cli.RunAsync(Expect.On(data, "db", "drop", "portal"), Ct);
        var stillThere = Expect.Ok(await Cli.RunAsync(Expect.On(data, "db", "list"), Ct));
        Expect.Ok(await Cli.RunAsync(Expect.On(data, "db", "drop", "portal", "--force"), Ct));
        var gone = Expect.Ok(await Cli.RunAsync(Expect.On(data, "db", "list", "--json"), Ct));

        Expect.Failure(refused, 1, "--force");
        Assert.Contains("portal\n", stillThere.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(gone.Json.EnumerateArray(), e => e.GetProperty("name").GetString() == "portal");
    }

    [Fact]
    public async Task Db_duplicate_and_rename_keep_the_data_and_a_missing_source_exits_3()
    {
        var data = portal.NewDataDirectory();

        var copied = Expect.Ok(await Cli.RunAsync(Expect.On(data, "db", "duplicate", PortalDataFixture.ClientDatabase, "copy", "--json"), Ct));
        var renamed = Expect.Ok(await Cli.RunAsync(Expect.On(data, "db", "rename", "copy", "moved"), Ct));
        var missing = await Cli.RunAsync(Expect.On(data, "db", "duplicate", "absent", "other"), Ct);
        var missingRename = await Cli.RunAsync(Expect.On(data, "db", "rename", "absent", "other"), Ct);
        // The customer's user travelled with the copy.
        var user = await Cli.RunAsync(Expect.On(data, "user", "passwd", PortalDataFixture.CustomerLogin, "--db", "moved"), Ct, stdin: "new one\n");

        Assert.Equal("copy", copied.Json.GetProperty("name").GetString());
        Assert.Contains("Renamed copy to moved", renamed.Stdout, StringComparison.Ordinal);
        Expect.Failure(missing, 3, "absent");
        Expect.Failure(missingRename, 3, "absent");
        Expect.Ok(user);
    }

    [Fact]
    public async Task Db_backup_writes_a_dump_archive_that_db_restore_brings_back()
    {
        var data = portal.NewDataDirectory();
        var archive = Path.Combine(data, "shop.zip");

        var backup = Expect.Ok(await Cli.RunAsync(Expect.On(data, "db", "backup", PortalDataFixture.ClientDatabase, "-o", archive, "--json"), Ct));
        var restored = Expect.Ok(await Cli.RunAsync(Expect.On(data, "db", "restore", "restored", archive, "--copy"), Ct));
        var user = await Cli.RunAsync(Expect.On(data, "user", "passwd", PortalDataFixture.CustomerLogin, "--db", "restored"), Ct, stdin: "new one\n");

        Assert.Equal(new FileInfo(archive).Length, backup.Json.GetProperty("bytes").GetInt64());
        using (var zip = ZipFile.OpenRead(archive))
        {
            // The archive is db.dump's (its layout belongs to the database manager); the manifest names it.
            Assert.Contains(zip.Entries, e => e.FullName == "manifest.json");
            Assert.True(zip.Entries.Count > 1);
        }

        Assert.Contains("Restored restored", restored.Stdout, StringComparison.Ordinal);
        Expect.Ok(user);
    }

    [Fact]
    public async Task Db_backup_never_overwrites_and_leaves_no_partial_file()
    {
        var data = portal.NewDataDirectory();
        var archive = Path.Combine(data, "existing.zip");
        await File.WriteAllTextAsync(archive, "keep me", Ct);

        var exists = await Cli.RunAsync(Expect.On(data, "db", "backup", PortalDataFixture.ClientDatabase, "-o", archive), Ct);
        var missing = await Cli.RunAsync(Expect.On(data, "db", "backup", "absent", "-o", Path.Combine(data, "absent.zip")), Ct);

        Expect.Failure(exists, 4, archive);
        Assert.Equal("keep me", await File.ReadAllTextAsync(archive, Ct));
        Expect.Failure(missing, 3, "absent");
        Assert.Empty(Directory.EnumerateFiles(data, "absent.zip*"));
    }

    [Fact]
    public async Task Db_restore_of_a_damaged_archive_fails_and_creates_nothing()
    {
        var data = portal.NewDataDirectory();
        var archive = Path.Combine(data, "damaged.zip");
        await File.WriteAllTextAsync(archive, "not a zip", Ct);

        var damaged = await Cli.RunAsync(Expect.On(data, "db", "restore", "broken", archive), Ct);
        var missing = await Cli.RunAsync(Expect.On(data, "db", "restore", "broken", Path.Combine(data, "nothing.zip")), Ct);
        var taken = await Cli.RunAsync(Expect.On(data, "db", "restore", "portal", archive), Ct);
        var list = Expect.Ok(await Cli.RunAsync(Expect.On(data, "db", "list"), Ct));

        Expect.Failure(damaged, 1, "zip");
        Expect.Failure(missing, 3, "nothing.zip");
        Expect.Failure(taken, 4, "portal");
        Assert.DoesNotContain("broken", list.Stdout, StringComparison.Ordinal);
    }
}
