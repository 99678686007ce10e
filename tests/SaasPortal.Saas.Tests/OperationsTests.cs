using SaasPortal.Testing;

namespace SaasPortal.Saas.Tests;

/// <summary>The portal's operations on a client keep the record and the tenant consistent (Scripts/operations.py).</summary>
public abstract class OperationsTests(ServerFixture fixture)
{
    [Fact]
    public Task Delete_drops_the_tenant_and_marks_the_client_deleted() => Scenario.RunAsync(fixture, "operations.py", "delete");

    [Fact]
    public Task Rename_moves_tenant_and_record_together_and_refuses_taken_names() => Scenario.RunAsync(fixture, "operations.py", "rename");

    [Fact]
    public Task Duplicate_makes_a_new_client_whose_copy_carries_the_new_client_id() => Scenario.RunAsync(fixture, "operations.py", "duplicate");

    [Fact]
    public Task Backup_returns_the_tenant_zip_to_managers_only() => Scenario.RunAsync(fixture, "operations.py", "backup");

    [Fact]
    public Task Client_record_follows_upgrades_and_sync_client() => Scenario.RunAsync(fixture, "operations.py", "sync");

    [Fact]
    public Task Expiry_job_marks_expired_clients_pending_and_drops_trials_past_their_grace_period() =>
        Scenario.RunAsync(fixture, "operations.py", "expiry");
}

[Collection(SqliteSaasCollection.Name)]
public sealed class SqliteOperationsTests(SqliteServerFixture fixture) : OperationsTests(fixture);

[Collection(PostgresSaasCollection.Name)]
public sealed class PostgresOperationsTests(PostgresServerFixture fixture) : OperationsTests(fixture);
