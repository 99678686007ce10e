using SaasPortal.Addons.Catalogue;
using SaasPortal.Orm;
using SaasPortal.Orm.Records;

namespace SaasPortal.Addons.Modules;

/// <summary>One row of ir.module.module as the installer needs it.</summary>
internal sealed record ModuleRow(int Id, string Name, string State, string? LatestVersion);

/// <summary>Odoo's module states.</summary>
internal static class ModuleStates
{
    public const string Uninstallable = "uninstallable";
    public const string Uninstalled = "uninstalled";
    public const string Installed = "installed";
    public const string ToUpgrade = "to upgrade";
    public const string ToRemove = "to remove";
    public const string ToInstall = "to install";
}

/// <summary>
/// Reads and writes ir.module.module, ir.module.module.dependency and the categories modules are filed under,
/// always in superuser mode (the caller's rights were checked before).
/// </summary>
internal static class ModuleRecords
{
    private static readonly string[] RowFields = ["name", "state", "latest_version"];

    public static async Task<Dictionary<string, ModuleRow>> ReadAsync(OrmEnvironment env, CancellationToken cancellationToken)
    {
        var modules = await env.Sudo()["ir.module.module"].SearchAsync(new List<object?>(), cancellationToken);
        var rows = await modules.ReadAsync(RowFields, cancellationToken);
        return rows.Select(r => new ModuleRow((int)r["id"]!, (string)r["name"]!, (string)r["state"]!, r["latest_version"] as string))
            .ToDictionary(r => r.Name, StringComparer.Ordinal);
    }

    /// <summary>The installed modules (including those being upgraded or removed).</summary>
    public static HashSet<string> Installed(IReadOnlyDictionary<string, ModuleRow> rows) =>
        rows.Values.Where(r => r.State is ModuleStates.Installed or ModuleStates.ToUpgrade or ModuleStates.ToRemove)
            .Select(r => r.Name).ToHashSet(StringComparer.Ordinal);

    public static Task SetStateAsync(OrmEnvironment env, ModuleRow row, string state, string? version, CancellationToken cancellationToken) =>
        env.Sudo()["ir.module.module"].Browse(row.Id).WriteAsync(new Dictionary<string, object?>
        {
            ["state"] = state,
            ["latest_version"] = (object?)version ?? false,
        }, cancellationToken);

    /// <summary>
    /// Creates or refreshes the row of <paramref name="addon"/> from its manifest (description, category,
    /// dependencies, published version); its state moves only between uninstalled and uninstallable.
    /// Returns the row and whether it was created.
    /// </summary>
    public static async Task<(ModuleRow Row, bool Created, bool Updated)> UpsertAsync(OrmEnvironment env, AddonDefinition addon, bool installable,
        ModuleRow? existing, XmlIdIndex xmlIds, CancellationToken cancellationToken)
    {
        var sudo = env.Sudo();
        var manifest = addon.Manifest;
        var values = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["shortdesc"] = manifest.Name,
            ["summary"] = (object?)manifest.Summary ?? false,
            ["description"] = (object?)manifest.Description ?? false,
            ["author"] = (object?)manifest.Author ?? false,
            ["website"] = (object?)manifest.Website ?? false,
            ["license"] = manifest.License,
            ["published_version"] = manifest.Version,
            ["application"] = manifest.Application,
            ["auto_install"] = manifest.AutoInstall,
            ["sequence"] = manifest.Sequence,
            ["category_id"] = await CategoryAsync(sudo, manifest.Category, xmlIds, cancellationToken),
        };

        if (existing is null)
        {
            values["name"] = addon.Name;
            values["state"] = installable ? ModuleStates.Uninstalled : ModuleStates.Uninstallable;
            values["dependencies_id"] = manifest.Depends
                .Select(d => (object?)new List<object?> { 0, 0, new Dictionary<string, object?> { ["name"] = d } }).ToList();
            var created = await sudo["ir.module.module"].CreateAsync(values, cancellationToken);
            await xmlIds.CreateAsync("base", "module_" + addon.Name, "ir.module.module", created.Id, noUpdate: true, cancellationToken);
            return (new ModuleRow(created.Id, addon.Name, (string)values["state"]!, null), true, false);
        }

        var record = sudo["ir.module.module"].Browse(existing.Id);
        var current = (await record.ReadAsync([.. values.Keys, "dependencies_id"], cancellationToken))[0];
        var state = existing.State;
        if (state is ModuleStates.Uninstalled or ModuleStates.Uninstallable)
        {
            state = installable ? ModuleStates.Uninstalled : ModuleStates.Uninstallable;
            values["state"] = state;
        }

        var changes = values.Where(v => !SameValue(current.GetValueOrDefault(v.Key), v.Value))
            .ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
        var dependencyIds = Values.ToIds(current["dependencies_id"]);
        var dependencies = sudo["ir.module.module.dependency"].Browse(dependencyIds);
        var names = (await dependencies.ReadAsync(["name"], cancellationToken)).Select(r => r["name"] as string).Order(StringComparer.Ordinal);
        if (!names.SequenceEqual(manifest.Depends.Order(StringComparer.Ordinal)))
        {
            await dependencies.UnlinkAsync(cancellationToken);
            changes["dependencies_id"] = manifest.Depends
                .Select(d => (object?)new List<object?> { 0, 0, new Dictionary<string, object?> { ["name"] = d } }).ToList();
        }

        if (changes.Count > 0)
        {
            await record.WriteAsync(changes, cancellationToken);
        }

        return (existing with { State = state }, false, changes.Count > 0);
    }

    /// <summary>Marks a module whose folder disappeared (or cannot be read) as uninstallable, unless installed.</summary>
    public static async Task<bool> MarkUnavailableAsync(OrmEnvironment env, ModuleRow row, CancellationToken cancellationToken)
    {
        if (row.State != ModuleStates.Uninstalled)
        {
            return false;
        }

        await env.Sudo()["ir.module.module"].Browse(row.Id)
            .WriteAsync(new Dictionary<string, object?> { ["state"] = ModuleStates.Uninstallable }, cancellationToken);
        return true;
    }

    /// <summary>
    /// Lists an addon whose files could not be read as uninstallable, with the reason as its description, so the
    /// operator sees why; an installed one keeps its state. Returns whether a row was created.
    /// </summary>
    public static async Task<(bool Created, bool Updated)> UpsertBrokenAsync(OrmEnvironment env, string name, string problem, ModuleRow? existing,
        XmlIdIndex xmlIds, CancellationToken cancellationToken)
    {
        var sudo = env.Sudo();
        if (existing is null)
        {
            var created = await sudo["ir.module.module"].CreateAsync(new Dictionary<string, object?>
            {
                ["name"] = name,
                ["shortdesc"] = name,
                ["description"] = problem,
                ["state"] = ModuleStates.Uninstallable,
            }, cancellationToken);
            await xmlIds.CreateAsync("base", "module_" + name, "ir.module.module", created.Id, noUpdate: true, cancellationToken);
            return (true, false);
        }

        var record = sudo["ir.module.module"].Browse(existing.Id);
        var changes = new Dictionary<string, object?>(StringComparer.Ordinal);
        if ((await record.GetAsync("description", cancellationToken)) as string != problem)
        {
            changes["description"] = problem;
        }

        if (existing.State == ModuleStates.Uninstalled)
        {
            changes["state"] = ModuleStates.Uninstallable;
        }

        if (changes.Count > 0)
        {
            await record.WriteAsync(changes, cancellationToken);
        }

        return (false, changes.Count > 0);
    }

    /// <summary>The id of the category a manifest names, created (with Odoo's xml id) when missing.</summary>
    private static async Task<int> CategoryAsync(OrmEnvironment sudo, string category, XmlIdIndex xmlIds, CancellationToken cancellationToken)
    {
        var name = ModuleCategories.XmlIdName(category);
        if (xmlIds.Find("base." + name) is { } known && (await sudo["ir.module.category"].Browse(known.ResId).ExistsAsync(cancellationToken)).Count == 1)
        {
            return known.ResId;
        }

        var created = await sudo["ir.module.category"].CreateAsync(
            new Dictionary<string, object?> { ["name"] = ModuleCategories.DisplayName(category) }, cancellationToken);
        await xmlIds.SetAsync("base", name, "ir.module.category", created.Id, noUpdate: true, cancellationToken);
        return created.Id;
    }

    private static bool SameValue(object? read, object? wanted) => (read, wanted) switch
    {
        (IList<object?> { Count: 2 } pair, int id) => Values.TryGetId(pair, out var readId) && readId == id,
        (null or false, null or false) => true,
        (int a, int b) => a == b,
        (long a, int b) => a == b,
        _ => Equals(read, wanted),
    };
}
