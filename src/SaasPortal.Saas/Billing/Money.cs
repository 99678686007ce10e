using System.Globalization;
using SaasPortal.Orm.Errors;

namespace SaasPortal.Saas.Billing;

/// <summary>
/// Amounts of money as <see cref="decimal"/>. The ORM's float and monetary columns are doubles, so prices and
/// invoice amounts are stored as invariant decimal strings ("29.00") and only ever converted through here.
/// </summary>
public static class Money
{
    /// <summary>Largest amount accepted anywhere: far above any price, far below decimal's range.</summary>
    public const decimal Maximum = 1_000_000_000m;

    /// <summary>Currencies without minor units (Stripe's list of zero-decimal currencies that we may bill in).</summary>
    private static readonly HashSet<string> ZeroDecimal = new(StringComparer.Ordinal)
    {
        "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF",
    };

    /// <summary>Reads a stored amount; empty or False is zero. Refuses negative, over-precise or unreadable values, naming <paramref name="field"/>.</summary>
    public static decimal Parse(object? value, string field)
    {
        var text = value switch
        {
            null or false => "",
            string s => s.Trim(),
            int i => i.ToString(CultureInfo.InvariantCulture),
            _ => throw new ValidationErrorException($"{field} must be a decimal amount such as 29.00."),
        };
        if (text.Length == 0)
        {
            return 0m;
        }

        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) || amount > Maximum)
        {
            throw new ValidationErrorException($"{field} must be a decimal amount such as 29.00, not '{text}'.");
        }

        if (decimal.Round(amount, 2) != amount)
        {
            throw new ValidationErrorException($"{field} has more than two decimals: '{text}'.");
        }

        return amount;
    }

    /// <summary>The stored form: invariant, two decimals.</summary>
    public static string Format(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>Checks an ISO 4217 code and returns it upper-case.</summary>
    public static string Currency(object? value)
    {
        var code = (value as string)?.Trim().ToUpperInvariant() ?? "";
        return code.Length == 3 && code.All(char.IsAsciiLetterUpper)
            ? code
            : throw new ValidationErrorException($"Currency must be a three-letter ISO 4217 code such as EUR, not '{value}'.");
    }

    /// <summary>The amount in the currency's smallest unit, as payment APIs take it (cents; yen as they are).</summary>
    public static long ToMinorUnits(decimal amount, string currency) =>
        (long)decimal.Round(ZeroDecimal.Contains(currency) ? amount : amount * 100m, 0, MidpointRounding.AwayFromZero);
}
