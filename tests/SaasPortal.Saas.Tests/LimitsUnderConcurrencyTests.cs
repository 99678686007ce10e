using SaasPortal.Testing;

namespace SaasPortal.Saas.Tests;

/// <summary>
/// The user and storage limits hold when many clients call at once (issue 8, item 7; Scripts/limits_concurrency.py):
/// a count-then-insert check races under PostgreSQL's snapshot isolation unless the product serialises it.
/// </summary>
public abstract class LimitsUnderConcurrencyTests(ServerFixture fixture)
{
    [Fact]
    public Task Twenty_parallel_user_creations_under_max_users_4_leave_exactly_4_internal_users() =>
        Scenario.RunAsync(fixture, "limits_concurrency.py", "user_creations");

    [Fact]
    public Task Parallel_reactivations_under_max_users_4_leave_exactly_4_internal_users() =>
        Scenario.RunAsync(fixture, "limits_concurrency.py", "user_reactivations");

    [Fact]
    public Task Parallel_writes_near_the_storage_limit_pass_it_by_at_most_one_write() =>
        Scenario.RunAsync(fixture, "limits_concurrency.py", "storage_writes");
}

[Collection(SqliteSaasCollection.Name)]
public sealed class SqliteLimitsUnderConcurrencyTests(SqliteServerFixture fixture) : LimitsUnderConcurrencyTests(fixture);

[Collection(PostgresSaasCollection.Name)]
public sealed class PostgresLimitsUnderConcurrencyTests(PostgresServerFixture fixture) : LimitsUnderConcurrencyTests(fixture);
