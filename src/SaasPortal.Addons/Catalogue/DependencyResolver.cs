namespace SaasPortal.Addons.Catalogue;

/// <summary>A dependency problem (unknown addon, missing dependency, cycle, not installable), naming the addons involved.</summary>
public sealed class AddonDependencyException(string addon, string message) : Exception(message)
{
    /// <summary>The addon whose manifest (or request) is at fault.</summary>
    public string Addon { get; } = addon;
}

/// <summary>
/// Dependency arithmetic over a catalogue: the ordered install closure (dependencies first, then auto-installed
/// addons whose dependencies are all present) and the ordered removal closure (dependents first).
/// </summary>
public sealed class DependencyResolver(AddonCatalogue catalogue)
{
    /// <summary>
    /// The addons to install, dependencies first, so that <paramref name="requested"/> and everything they need is
    /// present; <paramref name="installed"/> are left out. Throws <see cref="AddonDependencyException"/>.
    /// </summary>
    public IReadOnlyList<string> InstallOrder(IEnumerable<string> requested, IReadOnlySet<string> installed)
    {
        var order = new List<string>();
        var done = new HashSet<string>(installed, StringComparer.Ordinal);
        foreach (var name in requested)
        {
            Visit(name, requiredBy: null, done, order, []);
        }

        // Auto-install: an addon that only glues installed ones together follows them in (Odoo's auto_install).
        bool added;
        do
        {
            added = false;
            foreach (var addon in catalogue.Addons.Values.OrderBy(a => a.Name, StringComparer.Ordinal))
            {
                if (addon.Manifest.AutoInstall && addon.Manifest.Installable && !done.Contains(addon.Name)
                    && addon.Manifest.Depends.All(done.Contains))
                {
                    Visit(addon.Name, requiredBy: null, done, order, []);
                    added = true;
                }
            }
        }
        while (added);

        return order;
    }

    /// <summary>
    /// The installed addons that must go when <paramref name="targets"/> are removed: every installed addon that
    /// depends on one of them, directly or not, then the targets, in removal order (dependents first).
    /// </summary>
    public IReadOnlyList<string> RemovalOrder(IEnumerable<string> targets, IReadOnlySet<string> installed, Func<string, IEnumerable<string>> dependsOf)
    {
        var doomed = new HashSet<string>(targets.Where(installed.Contains), StringComparer.Ordinal);
        bool grew;
        do
        {
            grew = false;
            foreach (var name in installed)
            {
                if (!doomed.Contains(name) && dependsOf(name).Any(doomed.Contains))
                {
                    doomed.Add(name);
                    grew = true;
                }
            }
        }
        while (grew);

        // Topological order among the doomed, then reversed: whoever depends on another goes first.
        var order = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Visit(string name)
        {
            if (!seen.Add(name))
            {
                return;
            }

            foreach (var dependency in dependsOf(name).Where(doomed.Contains))
            {
                Visit(dependency);
            }

            order.Add(name);
        }

        foreach (var name in doomed.Order(StringComparer.Ordinal))
        {
            Visit(name);
        }

        order.Reverse();
        return order;
    }

    /// <summary>
    /// <paramref name="names"/> in dependency order (each after the ones it depends on), without adding anything:
    /// the load order of an installed set. Names not in the catalogue are refused.
    /// </summary>
    public IReadOnlyList<string> Sort(IEnumerable<string> names)
    {
        var set = new HashSet<string>(names, StringComparer.Ordinal);
        var order = new List<string>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        void Visit(string name, List<string> path)
        {
            if (done.Contains(name))
            {
                return;
            }

            if (path.Contains(name, StringComparer.Ordinal))
            {
                throw new AddonDependencyException(name,
                    $"Addon '{name}' has a circular dependency: {string.Join(" -> ", path.SkipWhile(p => p != name).Append(name))}");
            }

            var addon = catalogue.Find(name) ?? throw new AddonDependencyException(name, $"Addon '{name}' is not in the catalogue");
            path.Add(name);
            foreach (var dependency in addon.Manifest.Depends.Where(set.Contains))
            {
                Visit(dependency, path);
            }

            path.RemoveAt(path.Count - 1);
            done.Add(name);
            order.Add(name);
        }

        foreach (var name in set.Order(StringComparer.Ordinal))
        {
            Visit(name, []);
        }

        return order;
    }

    /// <summary>Checks that <paramref name="name"/>'s whole dependency tree exists, is installable and has no cycle.</summary>
    public void Validate(string name) => InstallOrder([name], new HashSet<string>(StringComparer.Ordinal));

    private void Visit(string name, string? requiredBy, HashSet<string> done, List<string> order, List<string> path)
    {
        if (done.Contains(name))
        {
            return;
        }

        if (path.Contains(name, StringComparer.Ordinal))
        {
            var cycle = string.Join(" -> ", path.SkipWhile(p => p != name).Append(name));
            throw new AddonDependencyException(name, $"Addon '{name}' has a circular dependency: {cycle}");
        }

        var addon = catalogue.Find(name);
        if (addon is null)
        {
            if (requiredBy is null)
            {
                var problem = catalogue.Problems.GetValueOrDefault(name);
                throw new AddonDependencyException(name, problem is null
                    ? $"Addon '{name}' is not in the catalogue"
                    : $"Addon '{name}' cannot be installed: {problem}");
            }

            throw new AddonDependencyException(requiredBy,
                $"Addon '{requiredBy}' depends on '{name}', which is not in the catalogue");
        }

        if (!addon.Manifest.Installable)
        {
            throw new AddonDependencyException(name, requiredBy is null
                ? $"Addon '{name}' is not installable"
                : $"Addon '{requiredBy}' depends on '{name}', which is not installable");
        }

        path.Add(name);
        foreach (var dependency in addon.Manifest.Depends)
        {
            Visit(dependency, name, done, order, path);
        }

        path.RemoveAt(path.Count - 1);
        done.Add(name);
        order.Add(name);
    }
}
