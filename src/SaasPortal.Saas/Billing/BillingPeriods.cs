using System.Globalization;
using SaasPortal.Orm.Errors;

namespace SaasPortal.Saas.Billing;

/// <summary>The billing periods a subscription may have, and the datetime format of the portal's fields.</summary>
public static class BillingPeriods
{
    /// <summary>One month.</summary>
    public const string Month = "month";

    /// <summary>One year.</summary>
    public const string Year = "year";

    /// <summary>The end of the period of <paramref name="period"/> that starts at <paramref name="start"/>.</summary>
    public static DateTime End(DateTime start, string period) => period switch
    {
        Month => start.AddMonths(1),
        Year => start.AddYears(1),
        _ => throw new UserErrorException($"Unknown billing period '{period}': use month or year."),
    };

    /// <summary>Odoo's server datetime format, UTC.</summary>
    public static string Format(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
