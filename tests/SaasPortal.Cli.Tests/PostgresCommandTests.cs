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
