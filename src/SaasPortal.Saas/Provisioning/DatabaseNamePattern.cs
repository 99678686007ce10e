using System.Globalization;

namespace SaasPortal.Saas.Provisioning;

/// <summary>A plan's "DB Names" pattern: <c>%i</c> becomes the plan's next number, padded to 3 digits.</summary>
public static class DatabaseNamePattern
{
    /// <summary>The name the pattern gives for <paramref name="number"/>.</summary>
    public static string Expand(string pattern, long number)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        return pattern.Replace("%i", number.ToString("D3", CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}
