using SaasPortal.Testing;

namespace SaasPortal.Saas.Tests;

/// <summary>
/// What the portal decides for a tenant holds inside it on every path (XML-RPC object service and the web
/// client's /web/dataset/call_kw): suspension, expiry, the user limit and the storage limit (Scripts/governance.py).
/// </summary>
public abstract class GovernanceTests(ServerFixture fixture)
{
    [Fact]
    public Task Suspended_tenant_refuses_every_non_superuser_call_until_resumed() => Scenario.RunAsync(fixture, "governance.py", "suspended");

    [Fact]
    public Task Expired_tenant_is_blocked_like_a_suspended_one_and_a_future_expiry_works() => Scenario.RunAsync(fixture, "governance.py", "expired");

    [Fact]
    public Task User_limit_holds_for_creation_reactivation_and_promotion_and_zero_means_unlimited() =>
        Scenario.RunAsync(fixture, "governance.py", "max_users");

    [Fact]
    public Task Past_the_storage_limit_writes_are_refused_while_reads_and_unlink_work() => Scenario.RunAsync(fixture, "governance.py", "storage_limit");
}

[Collection(SqliteSaasCollection.Name)]
public sealed class SqliteGovernanceTests(SqliteServerFixture fixture) : GovernanceTests(fixture);

[Collection(PostgresSaasCollection.Name)]
public sealed class PostgresGovernanceTests(PostgresServerFixture fixture) : GovernanceTests(fixture);
