using SaasPortal.Testing;

namespace SaasPortal.Billing.Tests;

/// <summary>The billing server on PostgreSQL (one database per tenant on the shared test cluster).</summary>
public sealed class PostgresBillingServer() : BillingServerBase(postgres: true);

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PostgresBillingCollection : ICollectionFixture<PostgresBillingServer>
{
    public const string Name = "billing server on postgres";
}

/// <summary>The generation job's idempotence where passes really can overlap: PostgreSQL with concurrent transactions.</summary>
[Collection(PostgresBillingCollection.Name)]
public sealed class PostgresBillingTests(PostgresBillingServer portal)
{
    [Fact]
    public async Task Billing_jobs_run_at_once_and_again_make_one_invoice_for_one_period()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await portal.NewTenantAsync("pg", trial: false, ct);
        // Subscribe first, so that the racing passes compete on the invoice, not on creating the subscription.
        await portal.Admin.ExecuteKwAsync("saas_portal.invoice", "run_billing_job", [], ct);
        var existing = await tenant.InvoicesAsync(ct);
        foreach (var invoice in existing)
        {
            await portal.Admin.ExecuteKwAsync("saas_portal.invoice", "unlink", [new List<object?> { invoice["id"] }], ct);
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => portal.RunBillingJobAsync(ct)));
        await portal.RunBillingJobAsync(ct);

        Assert.Single(await tenant.InvoicesAsync(ct));
    }
}
