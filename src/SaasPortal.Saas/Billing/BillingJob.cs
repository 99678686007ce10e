using Microsoft.Extensions.Logging;
using SaasPortal.Orm;
using SaasPortal.Saas.Governance;
using SaasPortal.Saas.Upgrades;

namespace SaasPortal.Saas.Billing;

/// <summary>What one billing pass did.</summary>
/// <param name="Subscribed">Clients that got a subscription.</param>
/// <param name="Invoiced">Numbers of the invoices created.</param>
/// <param name="PastDue">Clients whose subscription fell past due.</param>
/// <param name="Deadlines">Clients whose tenant expiry was set to their unpaid invoice's grace deadline.</param>
public sealed record BillingPassResult(IReadOnlyList<string> Subscribed, IReadOnlyList<string> Invoiced, IReadOnlyList<string> PastDue, IReadOnlyList<string> Deadlines);

/// <summary>
/// The billing part of the portal's periodic pass, in three idempotent steps:
/// <list type="number">
/// <item>every live client of a priced plan gets a subscription (a trial's first period starts when its trial ends);</item>
/// <item>a subscription whose next period starts within the lead time and has no unpaid invoice gets one invoice for
/// that period; a subscription has at most one unpaid invoice, and none twice for one period;</item>
/// <item>an unpaid invoice of a paid (non-trial) subscription puts the tenant's expiry at the invoice's grace deadline
/// (period start + the plan's grace period in days) and makes the subscription past due once its period has begun.
/// The tenant then blocks itself at that deadline, as any expiry does, and paying moves the expiry on.</item>
/// </list>
/// A trial's first invoice leaves its expiry alone: an unpaid trial ends, and is deleted after its grace period,
/// by the expiry rules.
/// </summary>
public sealed partial class BillingJob(TenantUpgrader upgrader, BillingSettings settings, TimeProvider time, ILogger<BillingJob> logger)
{
    private static readonly string[] SubscriptionFields = ["client_id", "partner_id", "plan_id", "period", "state", "next_invoice_date"];

    /// <summary>Runs the three steps on the portal database.</summary>
    public async Task<BillingPassResult> RunAsync(OrmEnvironment portal, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var subscribed = await SubscribeAsync(portal, now, cancellationToken);
        var invoiced = await InvoiceAsync(portal, now, cancellationToken);
        var (pastDue, deadlines) = await EnforceAsync(portal, now, cancellationToken);
        return new BillingPassResult(subscribed, invoiced, pastDue, deadlines);
    }

    private static async Task<List<string>> SubscribeAsync(OrmEnvironment portal, DateTime now, CancellationToken cancellationToken)
    {
        var subscriptions = portal.Sudo()["saas_portal.subscription"];
        var subscribedClients = (await (await subscriptions.SearchAsync(Wire.Domain(), cancellationToken)).ReadAsync(["client_id"], cancellationToken))
            .Select(r => Wire.Many2oneId(r["client_id"])).OfType<int>().ToHashSet();
        var clients = await portal.Sudo()["saas_portal.client"].SearchAsync(Wire.Domain(("state", "!=", "deleted"), ("plan_id", "!=", false)), cancellationToken);
        var created = new List<string>();
        var plans = new Dictionary<int, PlanPrices>();
        foreach (var client in await clients.ReadAsync(["name", "plan_id", "partner_id", "trial", "expiration_datetime"], cancellationToken))
        {
            var id = (int)client["id"]!;
            var planId = Wire.Many2oneId(client["plan_id"])!.Value;
            if (subscribedClients.Contains(id))
            {
                continue;
            }

            if (!plans.TryGetValue(planId, out var prices))
            {
                plans[planId] = prices = await PlanPrices.ReadAsync(portal, planId, cancellationToken);
            }

            if (prices.IsFree)
            {
                continue;
            }

            var trial = Wire.Bool(client["trial"]);
            var trialEnd = GovernanceParameters.ParseDatetime(Wire.Text(client["expiration_datetime"]));
            var start = trial && trialEnd is { } end && end > now ? end : now;
            await subscriptions.CreateAsync(Wire.Values(
                ("client_id", id), ("partner_id", Wire.Many2oneId(client["partner_id"]) ?? (object)false), ("plan_id", planId),
                ("period", BillingPeriods.Month), ("state", trial ? "trial" : "active"), ("next_invoice_date", BillingPeriods.Format(start))), cancellationToken);
            created.Add(Wire.Text(client["name"])!);
        }

        return created;
    }

    private async Task<List<string>> InvoiceAsync(OrmEnvironment portal, DateTime now, CancellationToken cancellationToken)
    {
        var invoices = portal.Sudo()["saas_portal.invoice"];
        var due = await portal.Sudo()["saas_portal.subscription"].SearchAsync(Wire.Domain(
            ("state", "!=", "cancelled"), ("next_invoice_date", "!=", false),
            ("next_invoice_date", "<=", BillingPeriods.Format(now + settings.InvoiceLeadTime))), cancellationToken);
        var created = new List<string>();
        foreach (var subscription in await due.ReadAsync(SubscriptionFields, cancellationToken))
        {
            var id = (int)subscription["id"]!;
            var start = GovernanceParameters.ParseDatetime(Wire.Text(subscription["next_invoice_date"]))!.Value;
            // Claims the subscription's row before looking for its invoices: of two passes racing on PostgreSQL
            // (repeatable read), the second fails to serialise on this update and is retried, and then sees the
            // first one's invoice. SQLite has one writer at a time anyway.
            await portal.Sudo()["saas_portal.subscription"].Browse(id).WriteAsync(
                Wire.Values(("next_invoice_date", BillingPeriods.Format(start))), cancellationToken);
            // At most one unpaid invoice per subscription, and never a second one for the same period.
            if (await invoices.SearchCountAsync(Wire.Domain(("subscription_id", "=", id), ("state", "in", new List<object?> { "draft", "open" })), cancellationToken) > 0
                || await invoices.SearchCountAsync(Wire.Domain(("subscription_id", "=", id), ("state", "=", "paid"),
                    ("period_start", "=", BillingPeriods.Format(start))), cancellationToken) > 0)
            {
                continue;
            }

            if (Wire.Many2oneId(subscription["client_id"]) is not { } clientId || Wire.Many2oneId(subscription["plan_id"]) is not { } planId)
            {
                continue;
            }

            var client = (await portal.Sudo()["saas_portal.client"].Browse(clientId).ReadAsync(["name", "state", "users_len"], cancellationToken))[0];
            if (Wire.Text(client["state"]) == "deleted")
            {
                continue;
            }

            var period = Wire.Text(subscription["period"]) ?? BillingPeriods.Month;
            var prices = await PlanPrices.ReadAsync(portal, planId, cancellationToken);
            var (amount, extraUsers) = prices.Amount(period, Wire.Integer(client["users_len"]));
            var invoice = await invoices.CreateAsync(Wire.Values(
                ("subscription_id", id), ("client_id", clientId), ("partner_id", Wire.Many2oneId(subscription["partner_id"]) ?? (object)false),
                ("period_start", BillingPeriods.Format(start)), ("period_end", BillingPeriods.Format(BillingPeriods.End(start, period))),
                ("extra_users", extraUsers), ("amount", Money.Format(amount)), ("currency", prices.Currency), ("state", "open")), cancellationToken);
            var number = $"INV/{start.Year}/{invoice.Id:D5}";
            await invoice.WriteAsync(Wire.Values(("name", number)), cancellationToken);
            created.Add(number);
        }

        return created;
    }

    private async Task<(List<string> PastDue, List<string> Deadlines)> EnforceAsync(OrmEnvironment portal, DateTime now, CancellationToken cancellationToken)
    {
        var open = await portal.Sudo()["saas_portal.invoice"].SearchAsync(Wire.Domain(("state", "=", "open")), cancellationToken);
        List<string> pastDue = [], deadlines = [];
        foreach (var invoice in await open.ReadAsync(["subscription_id", "client_id", "period_start"], cancellationToken))
        {
            if (Wire.Many2oneId(invoice["subscription_id"]) is not { } subscriptionId || Wire.Many2oneId(invoice["client_id"]) is not { } clientId)
            {
                continue;
            }

            var subscription = portal.Sudo()["saas_portal.subscription"].Browse(subscriptionId);
            var row = (await subscription.ReadAsync(["state", "plan_id"], cancellationToken))[0];
            var state = Wire.Text(row["state"]);
            if (state is "trial" or "cancelled")
            {
                continue;
            }

            var client = (await portal.Sudo()["saas_portal.client"].Browse(clientId).ReadAsync(["name", "state", "expiration_datetime"], cancellationToken))[0];
            var name = Wire.Text(client["name"])!;
            if (Wire.Text(client["state"]) == "deleted")
            {
                continue;
            }

            var start = GovernanceParameters.ParseDatetime(Wire.Text(invoice["period_start"]))!.Value;
            if (state == "active" && start <= now)
            {
                await subscription.WriteAsync(Wire.Values(("state", "past_due")), cancellationToken);
                pastDue.Add(name);
            }

            var grace = Wire.Many2oneId(row["plan_id"]) is { } planId
                ? Wire.Integer(await portal.Sudo()["saas_portal.plan"].Browse(planId).GetAsync("grace_period", cancellationToken))
                : 0;
            var deadline = BillingPeriods.Format(start.AddDays(Math.Max(grace, 0)));
            if (Wire.Text(client["expiration_datetime"]) == deadline)
            {
                continue;
            }

            try
            {
                await upgrader.ApplyAsync(portal, clientId, name, new UpgradeRequest
                {
                    Params = [new ParameterChange(SaasParameters.ExpirationDatetime, deadline, Hidden: true)],
                }, cancellationToken);
                deadlines.Add(name);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One unreachable tenant must not stop billing for the others; the next pass tries again.
                LogDeadlineFailed(logger, e, name);
            }
        }

        return (pastDue, deadlines);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Billing: could not set the payment deadline of {Database}")]
    private static partial void LogDeadlineFailed(ILogger logger, Exception exception, string database);
}
