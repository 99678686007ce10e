using SaasPortal.Orm;

namespace SaasPortal.Saas.Billing;

/// <summary>A plan's prices, read as decimals.</summary>
public sealed record PlanPrices(string Currency, decimal Monthly, decimal Yearly, int IncludedUsers, decimal ExtraUserMonthly)
{
    /// <summary>The plan fields that hold prices.</summary>
    public static readonly string[] Fields = ["currency", "price_monthly", "price_yearly", "included_users", "price_extra_user"];

    /// <summary>Nothing to bill: no subscription is created.</summary>
    public bool IsFree => Monthly == 0m && Yearly == 0m && ExtraUserMonthly == 0m;

    /// <summary>Reads plan <paramref name="planId"/>.</summary>
    public static async Task<PlanPrices> ReadAsync(OrmEnvironment portal, int planId, CancellationToken cancellationToken)
    {
        var row = (await portal.Sudo()["saas_portal.plan"].Browse(planId).ReadAsync(Fields, cancellationToken))[0];
        return new PlanPrices(
            row["currency"] is string { Length: > 0 } currency ? Money.Currency(currency) : "EUR",
            Money.Parse(row["price_monthly"], "Price per month"),
            Money.Parse(row["price_yearly"], "Price per year"),
            Math.Max(Wire.Integer(row["included_users"]), 0),
            Money.Parse(row["price_extra_user"], "Price per extra user"));
    }

    /// <summary>
    /// The amount of one period for a tenant with <paramref name="internalUsers"/> users, and how many of them are
    /// billed as extra. A year costs the yearly price, or twelve months when no yearly price is set; extra users
    /// cost their monthly price once per month of the period.
    /// </summary>
    public (decimal Amount, int ExtraUsers) Amount(string period, int internalUsers)
    {
        var months = period == BillingPeriods.Year ? 12 : 1;
        var basePrice = period == BillingPeriods.Year ? (Yearly > 0m ? Yearly : Monthly * 12m) : Monthly;
        var extra = IncludedUsers > 0 ? Math.Max(internalUsers - IncludedUsers, 0) : 0;
        return (basePrice + extra * ExtraUserMonthly * months, extra);
    }
}
