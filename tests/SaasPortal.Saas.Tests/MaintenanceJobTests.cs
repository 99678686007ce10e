using SaasPortal.Storage;
using SaasPortal.Testing;

namespace SaasPortal.Saas.Tests;

/// <summary>
/// The periodic maintenance job runs by itself: a server of its own started with SaasPortal__MaintenanceInterval of
/// two seconds refreshes client records from their tenants and drops expired trials (Scripts/maintenance.py).
/// </summary>
public abstract class MaintenanceJobTests(DatabaseBackend backend)
{
    [Fact]
    public async Task Periodic_job_syncs_client_records_and_drops_trials_past_their_grace_period()
    {
        var ct = TestContext.Current.CancellationToken;
        var prefix = "t" + Guid.NewGuid().ToString("N")[..7];
        var dataDirectory = Path.Combine(Path.GetTempPath(), "saasportal-e2e-" + prefix);
        var arguments = new List<string> { "--portal-db", prefix + "-portal" };
        if (backend == DatabaseBackend.Postgres)
        {
            arguments.AddRange(["--db-backend", "postgres", "--pg", await TestPostgres.ConnectionStringAsync(ct)]);
        }

        var server = await ServerProcess.StartAsync(dataDirectory, arguments, ct,
            new Dictionary<string, string> { ["SaasPortal__MaintenanceInterval"] = "00:00:02" });
        try
        {
            await Scenario.RunAsync(server, prefix + "-portal", prefix + "-m", "maintenance.py", "periodic_sync");
        }
        finally
        {
            await server.DisposeAsync();
            if (backend == DatabaseBackend.Postgres)
            {
                await TestPostgres.DropDatabasesAsync(prefix, CancellationToken.None);
            }

            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}

[Collection(SqliteSaasCollection.Name)]
public sealed class SqliteMaintenanceJobTests() : MaintenanceJobTests(DatabaseBackend.Sqlite);

[Collection(PostgresSaasCollection.Name)]
public sealed class PostgresMaintenanceJobTests() : MaintenanceJobTests(DatabaseBackend.Postgres);
