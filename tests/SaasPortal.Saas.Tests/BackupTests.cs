using SaasPortal.Testing;

namespace SaasPortal.Saas.Tests;

/// <summary>
/// Tenant backups (docs/backups.md) through db.dump and db.restore with Python's xmlrpc.client (Scripts/backups.py):
/// a tenant with sale installed, records, an archived partner and an attachment in the file store is dumped, dropped
/// and restored, and compared record by record; the same archive moves SQLite → PostgreSQL → SQLite; a corrupted or
/// truncated archive is refused and leaves nothing behind. The suite's SQLite server is joined by a PostgreSQL one.
/// </summary>
[Collection(SqliteSaasCollection.Name)]
public sealed class BackupTests(SqliteServerFixture sqlite, PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    [Fact]
    public Task Sqlite_tenant_comes_back_equal_record_by_record_after_drop_and_restore() => RunAsync(sqlite, postgres, "round_trip");

    [Fact]
    public Task Postgres_tenant_comes_back_equal_record_by_record_after_drop_and_restore() => RunAsync(postgres, sqlite, "round_trip");

    [Fact]
    public Task Archive_moves_from_sqlite_to_postgres_and_back_with_every_record_equal() => RunAsync(sqlite, postgres, "across_backends");

    [Fact]
    public Task Corrupted_or_truncated_archive_is_refused_and_nothing_is_restored() => RunAsync(sqlite, postgres, "corrupted");

    private static async Task RunAsync(ServerFixture server, ServerFixture other, string scenario)
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = Path.Combine(AppContext.BaseDirectory, "Scripts");
        var common = await File.ReadAllTextAsync(Path.Combine(directory, "saas_common.py"), ct);
        var body = await File.ReadAllTextAsync(Path.Combine(directory, "backups.py"), ct);
        string[] arguments = [server.Url, server.PortalDatabase, server.NewDatabaseName("b"), scenario, server.MasterPassword, other.Url, other.MasterPassword];

        var result = await PythonScript.RunAsync(common + "\n" + body, arguments, ct, TimeSpan.FromMinutes(6));

        Assert.True(result.ExitCode == 0, result + "\n--- server (tail)\n" + Tail(server.Server.Output) + "\n--- other server (tail)\n" + Tail(other.Server.Output));
        Assert.Contains("ok " + scenario, result.Output, StringComparison.Ordinal);
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];
}
