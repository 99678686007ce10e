using System.Globalization;
using SaasPortal.Orm;

namespace SaasPortal.Saas.Governance;

/// <summary>What the portal decided for a tenant, as read from its hidden parameters in the current transaction.</summary>
public sealed record GovernanceParameters(bool Suspended, DateTime? ExpiresUtc, int MaxUsers, int StorageLimitMegabytes)
{
    private static readonly string[] Keys =
        [SaasParameters.Suspended, SaasParameters.ExpirationDatetime, SaasParameters.MaxUsers, SaasParameters.TotalStorageLimit, SaasParameters.Moving];

    /// <summary>Whether the portal is copying the tenant to another server (<see cref="SaasParameters.Moving"/>).</summary>
    public bool Moving { get; init; }

    /// <summary>Reads only <see cref="SaasParameters.Moving"/>: the one rule that binds the superuser as well.</summary>
    public static async Task<bool> IsMovingAsync(OrmEnvironment env, CancellationToken cancellationToken)
    {
        var found = await env.Sudo()["ir.config_parameter"].SearchAsync(
            new List<object?> { new List<object?> { "key", "=", SaasParameters.Moving } }, cancellationToken, limit: 1);
        return found.Count == 1 && IsSet(await found.GetAsync("value", cancellationToken) as string);
    }

    /// <summary>Reads the parameters with the superuser's rights (they are hidden from everybody else).</summary>
    public static async Task<GovernanceParameters> ReadAsync(OrmEnvironment env, CancellationToken cancellationToken)
    {
        var parameters = env.Sudo()["ir.config_parameter"];
        var found = await parameters.SearchAsync(new List<object?> { new List<object?> { "key", "in", Keys.ToList<object?>() } }, cancellationToken);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in await found.ReadAsync(["key", "value"], cancellationToken))
        {
            if (row["key"] is string key && row["value"] is string value)
            {
                values[key] = value.Trim();
            }
        }

        return new GovernanceParameters(
            Suspended: IsSet(values.GetValueOrDefault(SaasParameters.Suspended)),
            ExpiresUtc: ParseDatetime(values.GetValueOrDefault(SaasParameters.ExpirationDatetime)),
            MaxUsers: ParseLimit(values.GetValueOrDefault(SaasParameters.MaxUsers)),
            StorageLimitMegabytes: ParseLimit(values.GetValueOrDefault(SaasParameters.TotalStorageLimit)))
        {
            Moving = IsSet(values.GetValueOrDefault(SaasParameters.Moving)),
        };
    }

    private static bool IsSet(string? value) => value?.Trim() is "1" or "True" or "true";

    /// <summary>A limit as the portal writes it; empty, absent, zero or unreadable means unlimited.</summary>
    public static int ParseLimit(string? value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var limit) && limit > 0 ? limit : 0;

    /// <summary>Odoo's server datetime format (also accepted with a 'T' or a date alone).</summary>
    public static DateTime? ParseDatetime(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value is "False")
        {
            return null;
        }

        string[] formats = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFF", "yyyy-MM-dd"];
        return DateTime.TryParseExact(value, formats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed)
            ? DateTime.SpecifyKind(parsed, DateTimeKind.Utc)
            : null;
    }
}
