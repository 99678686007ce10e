using SaasPortal.Testing;

namespace SaasPortal.Saas.Tests;

/// <summary>Sign-up on the portal (Scripts/signup.py).</summary>
public abstract class SignupTests(ServerFixture fixture)
{
    [Fact]
    public Task Signed_up_customer_is_a_portal_user_with_payment_options() => Scenario.RunAsync(fixture, "signup.py", "portal_user");

    [Fact]
    public Task Second_signup_with_the_same_login_is_refused_and_changes_nothing() => Scenario.RunAsync(fixture, "signup.py", "same_login");

    [Fact]
    public Task Weak_empty_or_login_passwords_are_refused() => Scenario.RunAsync(fixture, "signup.py", "weak_password");
}

/// <summary>Who may do what on the portal (Scripts/access.py).</summary>
public abstract class PortalAccessTests(ServerFixture fixture)
{
    [Fact]
    public Task Customer_creates_databases_for_themself_only() => Scenario.RunAsync(fixture, "access.py", "for_themself");

    [Fact]
    public Task Plan_limits_databases_per_partner() => Scenario.RunAsync(fixture, "access.py", "plan_limit");

    [Fact]
    public Task Only_managers_upgrade_client_databases() => Scenario.RunAsync(fixture, "access.py", "upgrade_managers_only");

    [Fact]
    public Task Customers_see_only_their_own_clients_and_partner() => Scenario.RunAsync(fixture, "access.py", "own_records");
}

/// <summary>create_new_database: names, refusals, atomicity and the tenant it makes (Scripts/provisioning.py).</summary>
public abstract class ProvisioningTests(ServerFixture fixture)
{
    [Fact]
    public Task Empty_name_is_generated_from_the_plan_pattern_counting_up() => Scenario.RunAsync(fixture, "provisioning.py", "generated_names");

    [Fact]
    public Task Without_pattern_or_name_creation_is_refused() => Scenario.RunAsync(fixture, "provisioning.py", "no_pattern");

    [Fact]
    public Task Taken_or_invalid_names_are_refused_before_anything_is_created() => Scenario.RunAsync(fixture, "provisioning.py", "taken_or_invalid");

    [Fact]
    public Task Failure_half_way_leaves_neither_database_nor_client_record() => Scenario.RunAsync(fixture, "provisioning.py", "half_way");

    [Fact]
    public Task New_tenant_carries_the_client_id_and_opens_with_the_owner_password_only() => Scenario.RunAsync(fixture, "provisioning.py", "tenant");
}

/// <summary>Parallel create_new_database calls (Scripts/concurrency.py).</summary>
public abstract class ConcurrencyTests(ServerFixture fixture)
{
    [Fact]
    public Task Twenty_parallel_creations_with_distinct_names_all_succeed() =>
        Scenario.RunAsync(fixture, "concurrency.py", "distinct_names", TimeSpan.FromMinutes(8));

    [Fact]
    public Task Parallel_creations_of_one_name_give_one_database_and_clear_refusals() =>
        Scenario.RunAsync(fixture, "concurrency.py", "same_name");
}

[Collection(SqliteSaasCollection.Name)]
public sealed class SqliteSignupTests(SqliteServerFixture fixture) : SignupTests(fixture);

[Collection(PostgresSaasCollection.Name)]
public sealed class PostgresSignupTests(PostgresServerFixture fixture) : SignupTests(fixture);

[Collection(SqliteSaasCollection.Name)]
public sealed class SqlitePortalAccessTests(SqliteServerFixture fixture) : PortalAccessTests(fixture);

[Collection(PostgresSaasCollection.Name)]
public sealed class PostgresPortalAccessTests(PostgresServerFixture fixture) : PortalAccessTests(fixture);

[Collection(SqliteSaasCollection.Name)]
public sealed class SqliteProvisioningTests(SqliteServerFixture fixture) : ProvisioningTests(fixture);

[Collection(PostgresSaasCollection.Name)]
public sealed class PostgresProvisioningTests(PostgresServerFixture fixture) : ProvisioningTests(fixture);

[Collection(SqliteSaasCollection.Name)]
public sealed class SqliteConcurrencyTests(SqliteServerFixture fixture) : ConcurrencyTests(fixture);

[Collection(PostgresSaasCollection.Name)]
public sealed class PostgresConcurrencyTests(PostgresServerFixture fixture) : ConcurrencyTests(fixture);
