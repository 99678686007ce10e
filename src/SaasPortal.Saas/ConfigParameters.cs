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
    public static Task SetAsync(OrmEnvironment env, string key, string? value, bool hidden, CancellationToken cancellationToken) =>
        SetManyAsync(env, [new ConfigParameter(key, value, hidden)], cancellationToken);

    /// <summary>
    /// Sets several parameters as <see cref="SetAsync"/> does, with one search for the existing ones and the
    /// restricting group resolved once: provisioning writes nine of them into every new tenant.
    /// </summary>
    public static async Task SetManyAsync(OrmEnvironment env, IReadOnlyList<ConfigParameter> parameters, CancellationToken cancellationToken)
    {
        if (parameters.Count == 0)
        {
            return;
        }

        var model = env.Sudo()["ir.config_parameter"];
        var keys = parameters.Select(p => (object?)p.Key).ToList();
        var existing = new Dictionary<string, (int Id, string? Value, List<int> Groups)>(StringComparer.Ordinal);
        var found = await model.SearchAsync(Wire.Domain(("key", "in", keys)), cancellationToken);
        foreach (var row in await found.ReadAsync(["key", "value", "group_ids"], cancellationToken))
        {
            existing[Wire.Text(row["key"]) ?? ""] = (Wire.Integer(row["id"]), Wire.Text(row["value"]), Wire.Ids(row["group_ids"]));
        }

        List<int>? restrictedTo = null;
        foreach (var (key, value, hidden) in parameters)
        {
            var stored = string.IsNullOrEmpty(value) ? " " : value;
            var known = existing.TryGetValue(key, out var row);
            // As Odoo's set_param, an unchanged value is not written again.
            var values = known && row.Value == stored ? [] : Wire.Values(("value", stored));
            if (hidden)
            {
                restrictedTo ??= await RestrictingGroupsAsync(env, cancellationToken);
                // A template's own restricted parameters already carry the group: rewriting the relation would cost
                // two statements per parameter for nothing.
                if (!known || !row.Groups.Order().SequenceEqual(restrictedTo))
                {
                    values["group_ids"] = new List<object?> { new List<object?> { 6, 0, restrictedTo.Cast<object?>().ToList() } };
                }
            }

            if (known)
            {
                if (values.Count > 0)
                {
                    await model.Browse([row.Id]).WriteAsync(values, cancellationToken);
                }
            }
            else
            {
                values["key"] = key;
                existing[key] = ((await model.CreateAsync(values, cancellationToken)).Id, stored, hidden ? restrictedTo ?? [] : []);
            }
        }
    }

    // Without saas_client (in the portal itself) a hidden parameter goes to Technical Features, whose members are trusted.
    private static async Task<List<int>> RestrictingGroupsAsync(OrmEnvironment env, CancellationToken cancellationToken)
    {
        var group = await env.RefAsync(SaasParameters.SupportGroup, cancellationToken)
            ?? await env.RefAsync("base.group_no_one", cancellationToken);
        return group is { } id ? [id] : [];
    }
}

/// <summary>One <c>ir.config_parameter</c> to set; a hidden one is readable only by the SaaS support group.</summary>
public sealed record ConfigParameter(string Key, string? Value, bool Hidden);
