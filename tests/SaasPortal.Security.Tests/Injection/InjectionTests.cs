using Microsoft.Data.Sqlite;
using Npgsql;
using SaasPortal.Security.Tests.Support;
using SaasPortal.Storage;
using SaasPortal.Storage.Databases;
using SaasPortal.Testing;

namespace SaasPortal.Security.Tests.Injection;

/// <summary>
/// Hostile identifiers and values over RPC: field names, order clauses, domain operators and values, model and
/// method names, database names, xml ids, addon names and file names carrying SQL, path traversal, control
/// characters and 100 kB strings. Each call answers with a result or a clean fault (never an internal error),
/// a canary table planted beside the ORM's tables survives, and nothing appears outside the data directory.
/// </summary>
public abstract class InjectionTests(ServerFixture fixture)
{
    private const string Password = "injection admin password";

    /// <summary>A name no file on the machine has; traversal attempts aim files with it at the data dir's parents.</summary>
    private static readonly string Marker = "pwned" + Guid.NewGuid().ToString("N")[..10];

    private static readonly string[] Hostile =
    [
        "'; DROP TABLE canary; --",
        "\"; DROP TABLE canary; --",
        "name; DROP TABLE canary",
        "id desc; DROP TABLE canary; --",
        "name desc, (SELECT count(*) FROM canary)",
        "(SELECT 1 FROM canary)",
        "name\" = 'x' OR \"name",
        "name') OR ('1'='1",
        "%' OR 1=1 --",
        "name collate nocase",
        "name desc nulls first; DELETE FROM canary",
        "../../../../../../tmp/" + Marker,
        "..\\..\\..\\" + Marker,
        Marker + "/../../..",
        "/tmp/" + Marker,
        "$(touch /tmp/" + Marker + ")",
        "name\0; DROP TABLE canary",
        "\u0001\u0002\u001b[2J\u007f",
        "\u202Ename",
        "res_users",
        "base.user_admin'; DROP TABLE canary; --",
        "\\",
        "",
        new string('x', 100_000),
    ];

    [Fact]
    public async Task Hostile_identifiers_and_values_get_results_or_clean_faults_and_execute_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        using var rpc = new JsonRpcCaller(fixture.Url);
        var db = fixture.NewDatabaseName("inj");
        Assert.Equal(true, await rpc.CallAsync("db", "create_database", [fixture.MasterPassword, db, false, "en_US", Password], ct));
        var uid = Assert.IsType<int>(await rpc.CallAsync("common", "authenticate", [db, "admin", Password, new Dictionary<string, object?>()], ct));
        var canaryPartner = Assert.IsType<int>(await rpc.ExecuteKwAsync(db, uid, Password, "res.partner", "create",
            [new Dictionary<string, object?> { ["name"] = "Canary" }], null, ct));
        await PlantCanaryAsync(db, ct);
        var usersBefore = await rpc.ExecuteKwAsync(db, uid, Password, "res.users", "search_count", [new List<object?>()], null, ct);
        var before = Snapshot(fixture.Server.DataDirectory);

        var problems = new List<string>();
        foreach (var h in Hostile)
        {
            var shown = h.Length > 60 ? h[..60] + "…" : h;
            async Task Probe(string what, Func<Task<object?>> call)
            {
                try
                {
                    await call();
                }
                catch (RpcFault fault)
                {
                    if (Faults.Internal(fault) is { } leak)
                    {
                        problems.Add($"{what} with '{shown}': {leak}");
                    }
                }
            }

            Task<object?> Partner(string method, object?[] args, Dictionary<string, object?>? kwargs = null) =>
                rpc.ExecuteKwAsync(db, uid, Password, "res.partner", method, args, kwargs, ct);

            await Probe("field in fields", () => Partner("search_read", [new List<object?>()], new() { ["fields"] = new List<object?> { h } }));
            await Probe("field in read", () => Partner("read", [new List<object?> { canaryPartner }, new List<object?> { h }]));
            await Probe("order", () => Partner("search", [new List<object?>()], new() { ["order"] = h }));
            await Probe("order of search_read", () => Partner("search_read", [new List<object?>()], new() { ["order"] = h, ["limit"] = 1 }));
            await Probe("domain field", () => Partner("search", [new List<object?> { new List<object?> { h, "=", 1 } }]));
            await Probe("domain dotted field", () => Partner("search", [new List<object?> { new List<object?> { "parent_id." + h, "=", 1 } }]));
            await Probe("domain operator", () => Partner("search", [new List<object?> { new List<object?> { "name", h, "x" } }]));
            await Probe("domain value", () => Partner("search", [new List<object?> { new List<object?> { "name", "=", h } }]));
            await Probe("domain like value", () => Partner("search", [new List<object?> { new List<object?> { "name", "ilike", h } }]));
            await Probe("domain in value", () => Partner("search_count", [new List<object?> { new List<object?> { "name", "in", new List<object?> { h, h } } }]));
            await Probe("groupby", () => Partner("read_group", [new List<object?>(), new List<object?> { h }, new List<object?> { h }]));
            await Probe("groupby with interval", () => Partner("read_group", [new List<object?>(), new List<object?> { "name" }, new List<object?> { "create_date:" + h }]));
            await Probe("name_search", () => Partner("name_search", [h]));
            await Probe("create field", () => Partner("create", [new Dictionary<string, object?> { [h] = "x" }]));
            await Probe("write field", () => Partner("write", [new List<object?> { canaryPartner }, new Dictionary<string, object?> { [h] = "x" }]));
            await Probe("fields_get attribute", () => Partner("fields_get", [new List<object?> { h }], new() { ["attributes"] = new List<object?> { h } }));
            await Probe("model", () => rpc.ExecuteKwAsync(db, uid, Password, h, "search", [new List<object?>()], null, ct));
            await Probe("method", () => Partner(h, [new List<object?>()]));
            await Probe("xml id", () => rpc.ExecuteKwAsync(db, uid, Password, "ir.model.data", "xmlid_to_res_id", [h], null, ct));
            await Probe("xml id module and name", () => rpc.ExecuteKwAsync(db, uid, Password, "ir.model.data", "check_object_reference", [h, h], null, ct));
            await Probe("addon name", () => rpc.ExecuteKwAsync(db, uid, Password, "ir.module.module", "search",
                [new List<object?> { new List<object?> { "name", "=", h } }], null, ct));
            await Probe("addon record", () => rpc.ExecuteKwAsync(db, uid, Password, "ir.module.module", "create",
                [new Dictionary<string, object?> { ["name"] = h, ["state"] = "to install" }], null, ct));
            await Probe("attachment name", () => rpc.ExecuteKwAsync(db, uid, Password, "ir.attachment", "create",
                [new Dictionary<string, object?> { ["name"] = h, ["datas"] = "aGVsbG8=", ["res_model"] = h }], null, ct));
            await Probe("database of a login", () => rpc.CallAsync("common", "authenticate", [h, "admin", Password, new Dictionary<string, object?>()], ct));
            await Probe("login", () => rpc.CallAsync("common", "authenticate", [db, h, h, new Dictionary<string, object?>()], ct));
            await Probe("database of execute_kw", () => rpc.ExecuteKwAsync(h, uid, Password, "res.partner", "search", [new List<object?>()], null, ct));
            await Probe("db_exist", () => rpc.CallAsync("db", "db_exist", [h], ct));
            if (!DatabaseName.IsValid(h))
            {
                // Valid names (res_users) would really be created; the others must be refused before touching anything.
                await Probe("create_database", () => rpc.CallAsync("db", "create_database", [fixture.MasterPassword, h, false, "en_US", "x"], ct));
                await Probe("duplicate_database", () => rpc.CallAsync("db", "duplicate_database", [fixture.MasterPassword, db, h], ct));
                await Probe("rename", () => rpc.CallAsync("db", "rename", [fixture.MasterPassword, h, db + "x"], ct));
            }

            await Probe("drop", () => rpc.CallAsync("db", "drop", [fixture.MasterPassword, h], ct));
            await Probe("dump", () => rpc.CallAsync("db", "dump", [fixture.MasterPassword, h, "zip"], ct));
            await Probe("dump format", () => rpc.CallAsync("db", "dump", [fixture.MasterPassword, db, h], ct));
            await Probe("restore", () => rpc.CallAsync("db", "restore", [fixture.MasterPassword, h, "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="], ct));
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems) + "\n--- server (tail)\n" + Tail(fixture.Server.Output));

        // Nothing ran: the canary table, the canary partner and the users are as they were; the database still answers.
        Assert.Equal(1L, await CanaryRowsAsync(db, ct));
        var canary = Assert.IsType<List<object?>>(await rpc.ExecuteKwAsync(db, uid, Password, "res.partner", "read",
            [new List<object?> { canaryPartner }, new List<object?> { "name" }], null, ct));
        Assert.Equal("Canary", Assert.IsType<Dictionary<string, object?>>(Assert.Single(canary))["name"]);
        Assert.Equal(usersBefore, await rpc.ExecuteKwAsync(db, uid, Password, "res.users", "search_count", [new List<object?>()], null, ct));
        var databases = Assert.IsType<List<object?>>(await rpc.CallAsync("db", "list", [], ct));
        Assert.All(databases, name => Assert.DoesNotContain(Marker, (string)name!, StringComparison.Ordinal));

        // Nothing written outside the data directory, nothing named after the marker inside it.
        var after = Snapshot(fixture.Server.DataDirectory);
        Assert.DoesNotContain(after.Except(before), path => path.Contains(Marker, StringComparison.Ordinal));
        var root = Path.GetDirectoryName(fixture.Server.DataDirectory)!;
        Assert.Empty(Directory.EnumerateFileSystemEntries(root, "*" + Marker + "*"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.GetTempPath(), "*" + Marker + "*"));
        Assert.False(File.Exists("/" + Marker));
    }

    private async Task PlantCanaryAsync(string db, CancellationToken ct)
    {
        if (fixture.Backend == DatabaseBackend.Sqlite)
        {
            await using var connection = new SqliteConnection($"Data Source={SqlitePath(db)};Pooling=False");
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE canary (id INTEGER PRIMARY KEY, note TEXT); INSERT INTO canary (note) VALUES ('alive');";
            await command.ExecuteNonQueryAsync(ct);
        }
        else
        {
            await using var source = await PostgresAsync(db, ct);
            await using var command = source.CreateCommand("CREATE TABLE canary (id serial PRIMARY KEY, note text); INSERT INTO canary (note) VALUES ('alive');");
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    private async Task<long> CanaryRowsAsync(string db, CancellationToken ct)
    {
        if (fixture.Backend == DatabaseBackend.Sqlite)
        {
            await using var connection = new SqliteConnection($"Data Source={SqlitePath(db)};Pooling=False");
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM canary WHERE note = 'alive'";
            return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        }

        await using var source = await PostgresAsync(db, ct);
        await using var count = source.CreateCommand("SELECT count(*) FROM canary WHERE note = 'alive'");
        return Convert.ToInt64(await count.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    private string SqlitePath(string db) => Path.Combine(fixture.Server.DataDirectory, "db", db + ".sqlite");

    private static async Task<NpgsqlDataSource> PostgresAsync(string db, CancellationToken ct) =>
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(await TestPostgres.ConnectionStringAsync(ct)) { Database = db, Pooling = false }.ConnectionString);

    private static HashSet<string> Snapshot(string directory) =>
        Directory.EnumerateFileSystemEntries(directory, "*", SearchOption.AllDirectories).ToHashSet(StringComparer.Ordinal);

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];
}

[Collection(SqliteServerCollection.Name)]
public sealed class SqliteInjectionTests(SqliteServerFixture fixture) : InjectionTests(fixture);

[Collection(PostgresServerCollection.Name)]
public sealed class PostgresInjectionTests(PostgresServerFixture fixture) : InjectionTests(fixture);
