using SaasPortal.Orm;

namespace SaasPortal.Saas;

/// <summary>Reads and writes <c>ir.config_parameter</c> with the superuser's rights, optionally hidden from non-support users.</summary>
public static class ConfigParameters
{
    /// <summary>The value of a parameter, or null when absent.</summary>
    public static async Task<string?> GetAsync(OrmEnvironment env, string key, CancellationToken cancellationToken)
    {
        var found = await env.Sudo()["ir.config_parameter"].SearchAsync(Wire.Domain(("key", "=", key)), cancellationToken, limit: 1);
        return found.Count == 0 ? null : Wire.Text(await found.GetAsync("value", cancellationToken));
    }

    /// <summary>
    /// Sets a parameter. A hidden one is restricted to the SaaS support group (the superuser sees everything), so a
    /// tenant's own administrators cannot read or change the limits the portal set. An empty value is stored as a
    /// single space, as the original tools did, because a parameter's value is required.
    /// </summary>
    public static async Task SetAsync(OrmEnvironment env, string key, string? value, bool hidden, CancellationToken cancellationToken)
    {
        var parameters = env.Sudo()["ir.config_parameter"];
        var values = Wire.Values(("value", string.IsNullOrEmpty(value) ? " " : value));
        if (hidden)
        {
            // Without saas_client (in the portal itself) the parameter goes to Technical Features, whose members are trusted.
            var group = await env.RefAsync(SaasParameters.SupportGroup, cancellationToken)
                ?? await env.RefAsync("base.group_no_one", cancellationToken);
            values["group_ids"] = new List<object?> { new List<object?> { 6, 0, group is { } id ? new List<object?> { id } : [] } };
        }

        var existing = await parameters.SearchAsync(Wire.Domain(("key", "=", key)), cancellationToken, limit: 1);
        if (existing.Count == 0)
        {
            values["key"] = key;
            await parameters.CreateAsync(values, cancellationToken);
        }
        else
        {
            await existing.WriteAsync(values, cancellationToken);
        }
    }
}
