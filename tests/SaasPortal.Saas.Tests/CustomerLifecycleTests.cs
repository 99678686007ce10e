using SaasPortal.Testing;

namespace SaasPortal.Saas.Tests;

/// <summary>Custom domains over real HTTP (Scripts/domains.py): verified ones route RPC and pages, others do not.</summary>
[Collection(SqliteSaasCollection.Name)]
public sealed class CustomDomainTests(SqliteServerFixture fixture)
{
    [Fact]
    public Task Verified_domain_serves_the_tenants_rpc_and_pages_and_keeps_working_after_a_rename_until_removed() =>
        Scenario.RunAsync(fixture, "domains.py", "routing");

    [Fact]
    public Task Failed_check_verifies_nothing_and_the_first_client_to_prove_a_name_gets_it() =>
        Scenario.RunAsync(fixture, "domains.py", "failed_checks");

    [Fact]
    public Task Only_the_owner_and_portal_managers_manage_a_clients_domains() => Scenario.RunAsync(fixture, "domains.py", "ownership");

    [Fact]
    public Task Host_names_are_strict_idna_without_wildcards_and_never_the_portals_or_a_tenants() =>
        Scenario.RunAsync(fixture, "domains.py", "names");
}

/// <summary>Staging copies (Scripts/staging.py) on both backends.</summary>
public abstract class StagingCopyTests(ServerFixture fixture)
{
    [Fact]
    public Task Staging_copy_is_marked_has_mail_and_scheduled_actions_off_and_is_deleted_at_its_expiry() =>
        Scenario.RunAsync(fixture, "staging.py", "copy_and_expire");

    [Fact]
    public Task Staging_copy_refuses_taken_invalid_and_deleted_names_without_leaving_anything() =>
        Scenario.RunAsync(fixture, "staging.py", "refusals");
}

[Collection(SqliteSaasCollection.Name)]
public sealed class SqliteStagingCopyTests(SqliteServerFixture fixture) : StagingCopyTests(fixture);

[Collection(PostgresSaasCollection.Name)]
public sealed class PostgresStagingCopyTests(PostgresServerFixture fixture) : StagingCopyTests(fixture);
