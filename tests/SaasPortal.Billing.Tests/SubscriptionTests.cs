namespace SaasPortal.Billing.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BillingCollection : ICollectionFixture<BillingServer>
{
    public const string Name = "billing server";
}

/// <summary>Invoices per period, paying them, and blocking past the grace period, over XML-RPC against the real server.</summary>
[Collection(BillingCollection.Name)]
public sealed class SubscriptionTests(BillingServer portal)
{
    [Fact]
    public async Task Trial_converted_to_paid_by_paying_its_first_invoice_has_its_expiry_extended_by_one_period()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await portal.NewTenantAsync("trial", trial: true, ct);
        var trialEnd = BillingServer.Parse((await tenant.ClientAsync(ct, "expiration_datetime"))["expiration_datetime"]);

        var pass = await portal.RunBillingJobAsync(ct);

        Assert.Contains(tenant.Name, ((IEnumerable<object?>)pass["subscribed"]!).Cast<string>());
        var invoice = Assert.Single(await tenant.InvoicesAsync(ct));
        Assert.Equal("open", invoice["state"]);
        Assert.Equal(BillingServer.Format(trialEnd), invoice["period_start"]);
        Assert.Equal(BillingServer.Format(trialEnd.AddMonths(1)), invoice["period_end"]);
        Assert.Equal("29.00", invoice["amount"]);
        Assert.Equal("EUR", invoice["currency"]);
        Assert.Equal("trial", (await tenant.SubscriptionAsync(ct))["state"]);

        var paid = await portal.Admin.ExecuteKwAsync("saas_portal.invoice", "action_mark_paid", [new List<object?> { invoice["id"] }], ct);

        Assert.Equal(1, paid);
        var client = await tenant.ClientAsync(ct, "expiration_datetime", "trial");
        Assert.Equal(BillingServer.Format(trialEnd.AddMonths(1)), client["expiration_datetime"]);
        Assert.Equal(false, client["trial"]);
        // The tenant itself holds the new expiry and is no longer a trial: the governance parameters were written there.
        var tenantAdmin = portal.Client.Session(tenant.Name, 1, BillingServer.AdminPassword);
        Assert.Equal(BillingServer.Format(trialEnd.AddMonths(1)),
            await tenantAdmin.ExecuteKwAsync("ir.config_parameter", "get_param", ["saas_client.expiration_datetime"], ct));
        Assert.Equal("False", await tenantAdmin.ExecuteKwAsync("ir.config_parameter", "get_param", ["saas_client.trial"], ct));
        var subscription = await tenant.SubscriptionAsync(ct);
        Assert.Equal("active", subscription["state"]);
        Assert.Equal(BillingServer.Format(trialEnd.AddMonths(1)), subscription["next_invoice_date"]);
        Assert.True(await tenant.OwnerMayWorkAsync(ct));

        // A confirmation arriving twice pays nothing twice.
        Assert.Equal(0, await portal.Admin.ExecuteKwAsync("saas_portal.invoice", "action_mark_paid", [new List<object?> { invoice["id"] }], ct));
        Assert.Equal(BillingServer.Format(trialEnd.AddMonths(1)), (await tenant.ClientAsync(ct, "expiration_datetime"))["expiration_datetime"]);
    }

    [Fact]
    public async Task Unpaid_renewal_blocks_the_tenant_after_the_grace_period_and_paying_unblocks_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await portal.NewTenantAsync("renew", trial: false, ct);
        await portal.RunBillingJobAsync(ct);
        var first = Assert.Single(await tenant.InvoicesAsync(ct));
        await portal.Admin.ExecuteKwAsync("saas_portal.invoice", "action_mark_paid", [new List<object?> { first["id"] }], ct);
        var subscriptionId = (int)(await tenant.SubscriptionAsync(ct))["id"]!;

        // The paid month is over half a day ago: the renewal is unpaid but within the plan's one day of grace.
        var renewalStart = DateTime.UtcNow.AddHours(-12);
        await portal.Admin.ExecuteKwAsync("saas_portal.subscription", "write",
            [new List<object?> { subscriptionId }, new Dictionary<string, object?> { ["next_invoice_date"] = BillingServer.Format(renewalStart) }], ct);
        await portal.RunBillingJobAsync(ct);

        var renewal = (await tenant.InvoicesAsync(ct))[^1];
        Assert.Equal("open", renewal["state"]);
        Assert.Equal("past_due", (await tenant.SubscriptionAsync(ct))["state"]);
        Assert.Equal(BillingServer.Format(renewalStart.AddDays(1)), (await tenant.ClientAsync(ct, "expiration_datetime"))["expiration_datetime"]);
        Assert.True(await tenant.OwnerMayWorkAsync(ct));

        // Two days after the period began, the day of grace is over: the tenant refuses its users as expired.
        await portal.Admin.ExecuteKwAsync("saas_portal.invoice", "write",
            [new List<object?> { renewal["id"] }, new Dictionary<string, object?> { ["period_start"] = BillingServer.Format(renewalStart.AddDays(-2)) }], ct);
        await portal.RunBillingJobAsync(ct);

        Assert.False(await tenant.OwnerMayWorkAsync(ct));
        Assert.Equal(true, (await tenant.ClientAsync(ct, "expired"))["expired"]);

        await portal.Admin.ExecuteKwAsync("saas_portal.invoice", "action_mark_paid", [new List<object?> { renewal["id"] }], ct);

        Assert.True(await tenant.OwnerMayWorkAsync(ct));
        var client = await tenant.ClientAsync(ct, "expiration_datetime", "expired", "state");
        Assert.Equal(renewal["period_end"], client["expiration_datetime"]);
        Assert.Equal(false, client["expired"]);
        Assert.Equal("open", client["state"]);
        Assert.Equal("active", (await tenant.SubscriptionAsync(ct))["state"]);
    }

    [Fact]
    public async Task Billing_job_run_twice_makes_no_second_invoice_for_one_period()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await portal.NewTenantAsync("twice", trial: false, ct);

        await portal.RunBillingJobAsync(ct);
        var second = await portal.RunBillingJobAsync(ct);

        var invoice = Assert.Single(await tenant.InvoicesAsync(ct));
        Assert.DoesNotContain(invoice["name"], (IEnumerable<object?>)second["invoiced"]!);
        Assert.DoesNotContain(tenant.Name, (IEnumerable<object?>)second["subscribed"]!);
    }

    [Fact]
    public async Task Extra_users_above_those_included_are_billed_per_user()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await portal.NewTenantAsync("users", trial: false, ct);
        var tenantAdmin = portal.Client.Session(tenant.Name, 1, BillingServer.AdminPassword);
        var employees = await tenantAdmin.ExecuteKwAsync("ir.model.data", "xmlid_to_res_id", ["base.group_user"], ct);
        foreach (var n in (int[])[1, 2])
        {
            await tenantAdmin.ExecuteKwAsync("res.users", "create", [new Dictionary<string, object?>
            {
                ["login"] = $"{tenant.Name}-u{n}@example.com", ["name"] = $"User {n}",
                ["groups_id"] = new List<object?> { new List<object?> { 6, 0, new List<object?> { employees } } },
            }], ct);
        }

        await portal.Admin.ExecuteKwAsync("saas_portal.client", "sync_client", [new List<object?> { tenant.ClientId }], ct);
        await portal.RunBillingJobAsync(ct);

        // Owner and two more: three internal users, one included, two at 5.00.
        Assert.Equal("39.00", Assert.Single(await tenant.InvoicesAsync(ct))["amount"]);
    }

    [Fact]
    public async Task Prices_are_decimals_with_at_most_two_places()
    {
        var ct = TestContext.Current.CancellationToken;

        var fault = await Assert.ThrowsAsync<SaasPortal.Client.OdooFaultException>(() => portal.Admin.ExecuteKwAsync("saas_portal.plan", "write",
            [new List<object?> { portal.PlanId }, new Dictionary<string, object?> { ["price_monthly"] = "19.999" }], ct));

        Assert.Contains("more than two decimals", fault.Message, StringComparison.Ordinal);
        var price = ((IReadOnlyDictionary<string, object?>)((IList<object?>)(await portal.Admin.ExecuteKwAsync("saas_portal.plan", "read",
            [new List<object?> { portal.PlanId }, new List<object?> { "price_monthly" }], ct))!)[0]!)["price_monthly"];
        Assert.Equal("29.00", price);
    }
}
