using SaasPortal.Addons.Catalogue;
using SaasPortal.Addons.Format;
using SaasPortal.Orm;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Registry;

namespace SaasPortal.Addons.Modules;

/// <summary>What a module operation did.</summary>
/// <param name="Addons">The addons installed, removed or upgraded, in the order it handled them.</param>
/// <param name="Registry">The registry of the database's installed addons afterwards.</param>
public sealed record ModuleOperationResult(IReadOnlyList<string> Addons, ModelRegistry Registry);

/// <summary>
/// Installs, uninstalls and upgrades addons inside the caller's transaction, in superuser mode (callers check the
/// user's rights first). Everything happens in that one transaction, DDL included (both SQLite and PostgreSQL
/// roll DDL back), so a failure leaves the database exactly as it was: no table, no group, no state.
/// </summary>
public sealed class ModuleInstaller
{
    private readonly ModuleSystem _system;

    internal ModuleInstaller(ModuleSystem system) => _system = system;

    /// <summary>
    /// Installs <paramref name="names"/> with their dependencies (dependencies first, then the auto-install
    /// addons that became installable). Already installed addons are skipped.
    /// </summary>
    public async Task<ModuleOperationResult> InstallAsync(OrmEnvironment env, IEnumerable<string> names, CancellationToken cancellationToken)
    {
        var sudo = env.Sudo();
        var rows = await ModuleRecords.ReadAsync(sudo, cancellationToken);
        var installed = ModuleRecords.Installed(rows);
        var catalogue = _system.Catalogue;
        IReadOnlyList<string> order;
        try
        {
            order = new DependencyResolver(catalogue).InstallOrder(names, installed);
        }
        catch (AddonDependencyException e)
        {
            throw new UserErrorException(e.Message);
        }

        var current = installed.Select(n => _system.Definition(n, rows[n].LatestVersion)).ToList();
        if (order.Count == 0)
        {
            return new ModuleOperationResult([], _system.RegistryFor(current));
        }

        var adding = order.Select(n => catalogue.Find(n)!).ToList();
        var registry = BuildRegistry([.. current, .. adding], "installed", order);
        var target = sudo.WithRegistry(registry);
        await SchemaManager.UpdateAsync(target, cancellationToken);

        var xmlIds = await XmlIdIndex.LoadAsync(target, cancellationToken);
        var loader = new DataLoader(target, xmlIds);
        foreach (var addon in adding)
        {
            var (row, _, _) = await ModuleRecords.UpsertAsync(target, addon, installable: true, rows.GetValueOrDefault(addon.Name), xmlIds, cancellationToken);
            await loader.LoadAsync(addon, upgrade: false, "installed", cancellationToken);
            await ModuleRecords.SetStateAsync(target, row, ModuleStates.Installed, addon.Manifest.Version, cancellationToken);
        }

        return new ModuleOperationResult(order, registry);
    }

    /// <summary>
    /// Uninstalls <paramref name="names"/> and every installed addon that depends on them (dependents first):
    /// removes the records their xml ids created, drops their tables and the columns they added, and marks them
    /// uninstalled. Other addons' data is untouched. <c>base</c> cannot be uninstalled.
    /// </summary>
    public async Task<ModuleOperationResult> UninstallAsync(OrmEnvironment env, IEnumerable<string> names, CancellationToken cancellationToken)
    {
        var targets = names.ToList();
        if (targets.Contains("base", StringComparer.Ordinal))
        {
            throw new UserErrorException("The module 'base' cannot be uninstalled");
        }

        var sudo = env.Sudo();
        var rows = await ModuleRecords.ReadAsync(sudo, cancellationToken);
        foreach (var name in targets.Where(n => !rows.ContainsKey(n)))
        {
            throw new UserErrorException($"Addon '{name}' is not in the module list");
        }

        var installed = ModuleRecords.Installed(rows);
        var definitions = installed.ToDictionary(n => n, n => _system.Definition(n, rows[n].LatestVersion), StringComparer.Ordinal);
        var order = new DependencyResolver(_system.Catalogue)
            .RemovalOrder(targets, installed, n => definitions[n].Manifest.Depends);
        var previous = _system.RegistryFor(definitions.Values);
        if (order.Count == 0)
        {
            return new ModuleOperationResult([], previous);
        }

        var removing = order.ToHashSet(StringComparer.Ordinal);
        var remaining = _system.RegistryFor(definitions.Values.Where(d => !removing.Contains(d.Name)));
        var before = sudo.WithRegistry(previous);
        var xmlIds = await XmlIdIndex.LoadAsync(before, cancellationToken);
        foreach (var name in order)
        {
            await RemoveRecordsAsync(before, xmlIds, name, remaining, cancellationToken);
        }

        var after = sudo.WithRegistry(remaining);
        await SchemaManager.RemoveObsoleteAsync(after, previous, cancellationToken);
        foreach (var name in order)
        {
            await ModuleRecords.SetStateAsync(after, rows[name], ModuleStates.Uninstalled, null, cancellationToken);
        }

        return new ModuleOperationResult(order, remaining);
    }

    /// <summary>
    /// Re-reads the addons path and applies the current files of <paramref name="names"/> and of the installed
    /// addons that depend on them: new tables and columns are created, data records updated (except those under
    /// noupdate), records whose xml ids left the files are removed. No column or table is dropped.
    /// </summary>
    public async Task<ModuleOperationResult> UpgradeAsync(OrmEnvironment env, IEnumerable<string> names, CancellationToken cancellationToken)
    {
        var targets = names.ToList();
        var catalogue = await _system.ReloadCatalogueAsync(cancellationToken);
        var sudo = env.Sudo();
        var rows = await ModuleRecords.ReadAsync(sudo, cancellationToken);
        var installed = ModuleRecords.Installed(rows);
        foreach (var name in targets.Where(n => !installed.Contains(n)))
        {
            throw new UserErrorException($"Addon '{name}' is not installed");
        }

        var resolver = new DependencyResolver(catalogue);
        IReadOnlyList<string> affected;
        try
        {
            affected = resolver.Sort(resolver.RemovalOrder(targets, installed, n => catalogue.Find(n)?.Manifest.Depends ?? []));
            foreach (var name in affected)
            {
                resolver.Validate(name);
            }
        }
        catch (AddonDependencyException e)
        {
            throw new UserErrorException(e.Message);
        }

        var upgraded = affected.ToHashSet(StringComparer.Ordinal);
        var definitions = installed.Select(n => upgraded.Contains(n) ? catalogue.Find(n)! : _system.Definition(n, rows[n].LatestVersion)).ToList();
        var registry = BuildRegistry(definitions, "upgraded", affected);
        var target = sudo.WithRegistry(registry);
        await SchemaManager.UpdateAsync(target, cancellationToken);

        var xmlIds = await XmlIdIndex.LoadAsync(target, cancellationToken);
        var loader = new DataLoader(target, xmlIds);
        foreach (var name in affected)
        {
            var addon = catalogue.Find(name)!;
            var (row, _, _) = await ModuleRecords.UpsertAsync(target, addon, installable: true, rows[name], xmlIds, cancellationToken);
            var loaded = await loader.LoadAsync(addon, upgrade: true, "upgraded", cancellationToken);
            // Records whose xml ids this addon no longer defines go, as Odoo's upgrade removes them.
            foreach (var stale in xmlIds.OfModule(name).Where(e => !loaded.Contains(e.Qualified) && IsDataRecord(e)))
            {
                await RemoveRecordAsync(target, xmlIds, stale, cancellationToken);
            }

            await ModuleRecords.SetStateAsync(target, row, ModuleStates.Installed, addon.Manifest.Version, cancellationToken);
        }

        return new ModuleOperationResult(affected, registry);
    }

    /// <summary>
    /// Odoo's <c>update_list</c>: re-reads the addons path and brings ir.module.module in line with it (new
    /// addons appear as uninstalled, changed manifests are refreshed, broken or vanished ones become
    /// uninstallable). Returns how many rows were updated and added.
    /// </summary>
    public async Task<(int Updated, int Added)> UpdateListAsync(OrmEnvironment env, bool reload, CancellationToken cancellationToken)
    {
        var catalogue = reload ? await _system.ReloadCatalogueAsync(cancellationToken) : _system.Catalogue;
        var sudo = env.Sudo();
        var rows = await ModuleRecords.ReadAsync(sudo, cancellationToken);
        var xmlIds = await XmlIdIndex.LoadAsync(sudo, cancellationToken);
        var resolver = new DependencyResolver(catalogue);
        int updated = 0, added = 0;
        foreach (var addon in catalogue.Addons.Values.OrderBy(a => a.Manifest.Sequence).ThenBy(a => a.Name, StringComparer.Ordinal))
        {
            bool installable;
            try
            {
                resolver.Validate(addon.Name);
                installable = true;
            }
            catch (AddonDependencyException)
            {
                installable = false;
            }

            var (_, created, changed) = await ModuleRecords.UpsertAsync(sudo, addon, installable, rows.GetValueOrDefault(addon.Name), xmlIds, cancellationToken);
            added += created ? 1 : 0;
            updated += changed ? 1 : 0;
        }

        foreach (var (name, problem) in catalogue.Problems.Where(p => ManifestReader.IsTechnicalName(p.Key)))
        {
            var (created, changed) = await ModuleRecords.UpsertBrokenAsync(sudo, name, problem, rows.GetValueOrDefault(name), xmlIds, cancellationToken);
            added += created ? 1 : 0;
            updated += changed ? 1 : 0;
        }

        foreach (var row in rows.Values.Where(r => catalogue.Find(r.Name) is null && !catalogue.Problems.ContainsKey(r.Name)))
        {
            updated += await ModuleRecords.MarkUnavailableAsync(sudo, row, cancellationToken) ? 1 : 0;
        }

        return (updated, added);
    }

    private ModelRegistry BuildRegistry(IReadOnlyList<AddonDefinition> definitions, string verb, IReadOnlyList<string> addons)
    {
        try
        {
            return _system.RegistryFor(definitions);
        }
        catch (UserErrorException e)
        {
            throw new UserErrorException($"Addon '{string.Join("', '", addons)}' could not be {verb}: {e.Message}");
        }
    }

    /// <summary>
    /// Removes what <paramref name="addon"/>'s xml ids point at, newest first: records of models that survive are
    /// unlinked (groups, access rules, rules, parameters, sequences…); records of models whose tables are about to
    /// be dropped only lose their xml id. Model and field rows are left to the schema manager.
    /// </summary>
    private static async Task RemoveRecordsAsync(OrmEnvironment before, XmlIdIndex xmlIds, string addon, ModelRegistry remaining,
        CancellationToken cancellationToken)
    {
        foreach (var entry in xmlIds.OfModule(addon))
        {
            if (entry.Model is "ir.model" or "ir.model.fields")
            {
                continue;
            }

            if (!remaining.Contains(entry.Model))
            {
                await xmlIds.DeleteAsync(entry, cancellationToken);
                continue;
            }

            await RemoveRecordAsync(before, xmlIds, entry, cancellationToken);
        }
    }

    private static async Task RemoveRecordAsync(OrmEnvironment env, XmlIdIndex xmlIds, XmlIdEntry entry, CancellationToken cancellationToken)
    {
        if (env.Registry.Contains(entry.Model))
        {
            await (await env[entry.Model].Browse(entry.ResId).ExistsAsync(cancellationToken)).UnlinkAsync(cancellationToken);
        }

        await xmlIds.DeleteAsync(entry, cancellationToken);
    }

    /// <summary>
    /// Whether a data file made the xml id: not the schema's model rows, the module rows, nor the categories
    /// update_list files modules under (base owns those without declaring them all).
    /// </summary>
    private static bool IsDataRecord(XmlIdEntry entry) =>
        entry.Model is not ("ir.model" or "ir.model.fields" or "ir.module.module")
        && !(entry.Module == "base" && entry.Model == "ir.module.category");
}
