using SaasPortal.Orm;
using SaasPortal.Orm.Errors;
using SaasPortal.Saas.Governance;
using SaasPortal.Saas.Upgrades;

namespace SaasPortal.Saas.Billing;

/// <summary>
/// Paying an invoice: the invoice is marked paid, the subscription is active and its next invoice starts where
/// the paid period ends, and the client's tenant is paid up to that end: its expiry moves to the period's end
/// (never earlier than it already was) and a trial becomes paid. Both go to the tenant as governance parameters
/// through <see cref="TenantUpgrader"/>, the same path as <c>do_upgrade_database</c>, which also mirrors them onto
/// the client record; an expired (blocked) tenant is thereby unblocked.
/// </summary>
public sealed class InvoicePayments(TenantUpgrader upgrader, TimeProvider time)
{
    /// <summary>Pays one open invoice; false when it was paid already (a confirmation arriving twice changes nothing).</summary>
    public async Task<bool> PayAsync(OrmEnvironment portal, int invoiceId, string provider, string? reference, CancellationToken cancellationToken)
    {
        var invoices = portal.Sudo()["saas_portal.invoice"];
        var invoice = await invoices.Browse(invoiceId).ExistsAsync(cancellationToken);
        if (invoice.Count == 0)
        {
            throw new UserErrorException($"Invoice {invoiceId} does not exist.");
        }

        var row = (await invoice.ReadAsync(["name", "state", "subscription_id", "client_id", "period_end", "provider_reference"], cancellationToken))[0];
        switch (Wire.Text(row["state"]))
        {
            case "paid":
                return false;
            case "cancelled":
                throw new UserErrorException($"Invoice {Wire.Text(row["name"])} is cancelled and cannot be paid.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var periodEnd = GovernanceParameters.ParseDatetime(Wire.Text(row["period_end"]))
            ?? throw new UserErrorException($"Invoice {Wire.Text(row["name"])} has no period end.");
        await invoice.WriteAsync(Wire.Values(("state", "paid"), ("paid_date", BillingPeriods.Format(now)), ("provider", provider),
            ("provider_reference", reference ?? Wire.Text(row["provider_reference"]) ?? (object)false)), cancellationToken);
        if (Wire.Many2oneId(row["subscription_id"]) is { } subscription)
        {
            await portal.Sudo()["saas_portal.subscription"].Browse(subscription).WriteAsync(Wire.Values(
                ("state", "active"), ("next_invoice_date", BillingPeriods.Format(periodEnd))), cancellationToken);
        }

        if (Wire.Many2oneId(row["client_id"]) is { } clientId)
        {
            await PaidUpToAsync(portal, clientId, periodEnd, cancellationToken);
        }

        return true;
    }

    /// <summary>Moves the tenant's expiry to <paramref name="periodEnd"/> (or keeps a later one) and ends its trial.</summary>
    private async Task PaidUpToAsync(OrmEnvironment portal, int clientId, DateTime periodEnd, CancellationToken cancellationToken)
    {
        var client = (await portal.Sudo()["saas_portal.client"].Browse(clientId).ReadAsync(["name", "state", "expiration_datetime"], cancellationToken))[0];
        if (Wire.Text(client["state"]) == "deleted")
        {
            return;
        }

        var current = GovernanceParameters.ParseDatetime(Wire.Text(client["expiration_datetime"]));
        var expires = current is { } c && c > periodEnd ? c : periodEnd;
        await upgrader.ApplyAsync(portal, clientId, Wire.Text(client["name"])!, new UpgradeRequest
        {
            Params =
            [
                new ParameterChange(SaasParameters.ExpirationDatetime, BillingPeriods.Format(expires), Hidden: true),
                new ParameterChange(SaasParameters.Trial, "False", Hidden: true),
            ],
        }, cancellationToken);
    }
}
