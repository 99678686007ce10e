using System.Collections;
using SaasPortal.Orm.Errors;

namespace SaasPortal.Saas.Upgrades;

/// <summary>One <c>params</c> entry of an upgrade: a parameter to set in the tenant.</summary>
public sealed record ParameterChange(string Key, string Value, bool Hidden);

/// <summary>
/// The payload of <c>saas.config.do_upgrade_database</c>, read strictly from its wire form: every key the
/// specification and the original tools use; anything else is refused by name so that a typo is not silently ignored.
/// </summary>
public sealed record UpgradeRequest
{
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "update_addons_list", "update_addons", "install_addons", "uninstall_addons", "fixes", "params", "access_owner_add", "access_remove",
    };

    public bool UpdateAddonsList { get; init; }

    public IReadOnlyList<string> UpdateAddons { get; init; } = [];

    public IReadOnlyList<string> InstallAddons { get; init; } = [];

    public IReadOnlyList<string> UninstallAddons { get; init; } = [];

    public IReadOnlyList<(string Model, string Method)> Fixes { get; init; } = [];

    public IReadOnlyList<ParameterChange> Params { get; init; } = [];

    public IReadOnlyList<string> AccessOwnerAdd { get; init; } = [];

    public IReadOnlyList<string> AccessRemove { get; init; } = [];

    /// <summary>Reads the wire dictionary; a UserError naming the key for anything malformed.</summary>
    public static UpgradeRequest Parse(object? data)
    {
        if (data is not IDictionary<string, object?> payload)
        {
            throw new UserErrorException("do_upgrade_database expects a dictionary of operations as its first argument.");
        }

        foreach (var key in payload.Keys)
        {
            if (!Known.Contains(key))
            {
                throw new UserErrorException($"Unknown upgrade operation '{key}'. Known: {string.Join(", ", Known.Order(StringComparer.Ordinal))}.");
            }
        }

        return new UpgradeRequest
        {
            UpdateAddonsList = payload.TryGetValue("update_addons_list", out var list) && list is true or 1 or "1" or "True",
            UpdateAddons = Names(payload, "update_addons"),
            InstallAddons = Names(payload, "install_addons"),
            UninstallAddons = Names(payload, "uninstall_addons"),
            Fixes = ReadFixes(payload),
            Params = Parameters(payload),
            AccessOwnerAdd = Names(payload, "access_owner_add"),
            AccessRemove = Names(payload, "access_remove"),
        };
    }

    private static List<string> Names(IDictionary<string, object?> payload, string key)
    {
        if (!payload.TryGetValue(key, out var value) || value is null or false)
        {
            return [];
        }

        if (value is not IList items)
        {
            throw new UserErrorException($"'{key}' must be a list of names.");
        }

        var names = new List<string>();
        foreach (var item in items)
        {
            names.Add(item is string { Length: > 0 } name ? name : throw new UserErrorException($"'{key}' must be a list of names; got {item ?? "None"}."));
        }

        return names;
    }

    private static List<(string, string)> ReadFixes(IDictionary<string, object?> payload)
    {
        var fixes = new List<(string, string)>();
        if (payload.TryGetValue("fixes", out var value) && value is IList items)
        {
            foreach (var item in items)
            {
                fixes.Add(item is IList { Count: 2 } pair && pair[0] is string model && pair[1] is string method
                    ? (model, method)
                    : throw new UserErrorException("'fixes' must be a list of [model, method] pairs."));
            }
        }

        return fixes;
    }

    private static List<ParameterChange> Parameters(IDictionary<string, object?> payload)
    {
        var changes = new List<ParameterChange>();
        if (!payload.TryGetValue("params", out var value) || value is null or false)
        {
            return changes;
        }

        if (value is not IList items)
        {
            throw new UserErrorException("'params' must be a list of {key, value, hidden} dictionaries.");
        }

        foreach (var item in items)
        {
            if (item is not IDictionary<string, object?> entry || Get(entry, "key") is not string { Length: > 0 } key)
            {
                throw new UserErrorException("Each 'params' entry needs a 'key'.");
            }

            var raw = Get(entry, "value");
            var text = raw switch
            {
                null or false => "",
                string s => s,
                IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                _ => raw.ToString() ?? "",
            };
            changes.Add(new ParameterChange(key, text, Get(entry, "hidden") is true or 1));
        }

        return changes;
    }

    private static object? Get(IDictionary<string, object?> entry, string key) => entry.TryGetValue(key, out var value) ? value : null;
}
