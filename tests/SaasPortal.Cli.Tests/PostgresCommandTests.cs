using SaasPortal.Testing;

namespace SaasPortal.Cli.Tests;

/// <summary>The db commands on the PostgreSQL backend (the shared test cluster).</summary>
public sealed class PostgresCommandTests(PortalDataFixture portal) : IAsyncLifetime
{
    private readonly string _prefix = "cli" + Guid.NewGuid().ToString("N")[..7];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await TestPostgres.DropDatabasesAsync(_prefix, CancellationToken.None);

    [Fact]
    public async Task Db_create_list_backup_restore_and_drop_work_on_postgres()
    {
        var data = portal.NewEmptyDirectory();
        var pg = await TestPostgres.ConnectionStringAsync(Ct);
        string[] On(params string[] arguments) => [.. Expect.On(data, arguments), "--db-backend", "postgres", "--pg", pg];
        var (name, restored) = (_prefix + "-shop", _prefix + "-restored");
        var archive = Path.Combine(Path.GetTempPath(), _prefix + ".zip");

        try
        {
            Expect.Ok(await Cli.RunAsync(On("db", "create", name), Ct));
            var listed = Expect.Ok(await Cli.RunAsync(On("db", "list", "--json"), Ct)).Json;
            Expect.Ok(await Cli.RunAsync(On("db", "backup", name, "-o", archive), Ct));
            Expect.Ok(await Cli.RunAsync(On("db", "restore", restored, archive), Ct));
            var taken = await Cli.RunAsync(On("db", "create", name), Ct);
            var modules = Expect.Ok(await Cli.RunAsync(On("addons", "list", "--db", restored, "--json"), Ct)).Json;
            Expect.Ok(await Cli.RunAsync(On("db", "drop", name), Ct));
            var dropAgain = await Cli.RunAsync(On("db", "drop", name), Ct);

            Assert.Contains(listed.EnumerateArray(), e => e.GetProperty("name").GetString() == name);
            Expect.Failure(taken, 4, name);
            Assert.Contains(modules.EnumerateArray(), m => m.GetProperty("name").GetString() == "base" && m.GetProperty("state").GetString() == "installed");
            Expect.Failure(dropAgain, 3, name);
        }
        finally
        {
            File.Delete(archive);
        }
    }

    [Fact]
    public async Task Server_add_with_a_pgbouncer_client_move_and_server_drain_work_on_postgres()
    {
        var data = portal.NewEmptyDirectory();
        var pg = await TestPostgres.ConnectionStringAsync(Ct);
        var second = await TestPostgres.SecondConnectionStringAsync(Ct);
        var bouncer = await TestPostgres.SecondPgBouncerConnectionStringAsync(Ct);
        var (portalDatabase, tenant) = (_prefix + "-portal", _prefix + "-shop");
        string[] On(params string[] arguments) => [.. Expect.On(data, arguments), "--db-backend", "postgres", "--pg", pg, "--portal-db", portalDatabase];

        // The portal and one client come from a first start of the server, as an operator's would.
        await using (var server = await ServerProcess.StartAsync(data, ["--db-backend", "postgres", "--pg", pg, "--portal-db", portalDatabase], Ct))
        {
            var made = await PythonScript.RunAsync("""
                import sys, xmlrpc.client
                url, db, name = sys.argv[1], sys.argv[2], sys.argv[3]
                common = xmlrpc.client.ServerProxy(url + '/xmlrpc/2/common')
                models = xmlrpc.client.ServerProxy(url + '/xmlrpc/2/object')
                uid = common.authenticate(db, 'admin', 'admin', {})
                models.execute_kw(db, uid, 'admin', 'res.users', 'signup', [{'login': 'owner@example.com', 'name': 'Owner', 'password': 'a long password'}])
                owner = common.authenticate(db, 'owner@example.com', 'a long password', {})
                models.execute_kw(db, uid, 'admin', 'saas_portal.plan', 'create_new_database', [1], {'dbname': name, 'user_id': owner})
                print('ok')
                """, [server.Url, portalDatabase, tenant], Ct);
            Assert.True(made.ExitCode == 0 && made.Output.Contains("ok", StringComparison.Ordinal), made.ToString());
        }

        try
        {
            var added = await Cli.RunAsync(On("server", "add", "b", "--connection", second, "--pooler", bouncer), Ct);
            var unreachable = await Cli.RunAsync(On("server", "add", "c", "--connection", second, "--pooler", "Host=127.0.0.1;Port=1;Timeout=2"), Ct);
            var withPassword = await Cli.RunAsync(On("server", "add", "d", "--connection", second, "--pooler", bouncer + ";Password=never-stored"), Ct);
            var moved = await Cli.RunAsync(On("client", "move", tenant, "b"), Ct);
            var listed = Expect.Ok(await Cli.RunAsync(On("server", "list", "--json"), Ct)).Json;
            // Read on its new server, through that server's PgBouncer, as every command and node now reaches it.
            var modules = Expect.Ok(await Cli.RunAsync(On("addons", "list", "--db", tenant, "--json"), Ct)).Json;
            var drained = await Cli.RunAsync(On("server", "drain", "b"), Ct);
            var after = Expect.Ok(await Cli.RunAsync(On("server", "list", "--json"), Ct)).Json;

            Expect.Ok(added);
            var b = Assert.Single(listed.EnumerateArray(), s => s.GetProperty("name").GetString() == "b");
            Assert.Equal(bouncer, b.GetProperty("pooler").GetString());
            Expect.Failure(unreachable, 1, "through PgBouncer 127.0.0.1:1");
            Assert.Contains("password", Assert.Single(withPassword.ErrorLines), StringComparison.Ordinal);
            Assert.DoesNotContain("never-stored", withPassword.Stdout + withPassword.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain(listed.EnumerateArray(), s => s.GetProperty("name").GetString() is "c" or "d");
            Assert.Contains($"Moved {tenant} from ", Expect.Ok(moved).Stdout, StringComparison.Ordinal);
            Assert.Equal(1, b.GetProperty("tenants").GetInt32());
            Assert.Contains(modules.EnumerateArray(), m => m.GetProperty("name").GetString() == "saas_client" && m.GetProperty("state").GetString() == "installed");
            Assert.Contains("Drained server b: 1 databases moved.", Expect.Ok(drained).Stdout, StringComparison.Ordinal);
            Assert.Equal(0, Assert.Single(after.EnumerateArray(), s => s.GetProperty("name").GetString() == "b").GetProperty("tenants").GetInt32());
            Assert.Equal("draining", Assert.Single(after.EnumerateArray(), s => s.GetProperty("name").GetString() == "b").GetProperty("state").GetString());
        }
        finally
        {
            await TestPostgres.DropDatabasesAsync(second, _prefix, CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_connection_string_password_never_appears_in_an_error()
    {
        var data = portal.NewEmptyDirectory();
        const string secret = "s3cret-never-printed";

        var result = await Cli.RunAsync(Expect.On(data, "db", "create", _prefix + "-x", "--db-backend", "postgres",
            "--pg", $"Host=127.0.0.1;Port=1;Username=nobody;Password={secret};Timeout=2"), Ct);

        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.ErrorLines);
        Assert.DoesNotContain(secret, result.Stdout + result.Stderr, StringComparison.Ordinal);
    }
}
