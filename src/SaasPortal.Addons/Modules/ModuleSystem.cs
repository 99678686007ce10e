using System.Collections.Concurrent;
using System.Data.Common;
using SaasPortal.Addons.Behaviours;
using SaasPortal.Addons.Catalogue;
using SaasPortal.Orm;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Methods;
using SaasPortal.Orm.Registry;
using SaasPortal.Orm.Service;
using SaasPortal.Storage.Databases;

namespace SaasPortal.Addons.Modules;

/// <summary>
/// The module system of a process: the catalogue read from the addons path, the registries built from it and
/// shared by every database with the same installed addons, and the install, uninstall and upgrade operations.
/// It is the ORM's <see cref="IRegistryProvider"/>: a database's registry is the one of the addons its
/// <c>ir_module_module</c> says are installed, at the versions it says.
/// </summary>
public sealed class ModuleSystem : IRegistryProvider
{
    private readonly IDatabaseServer _server;
    private readonly IReadOnlyList<IAddonBehaviour> _behaviours;
    private readonly ConcurrentDictionary<string, Lazy<ModelRegistry>> _registries = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _reload = new(1, 1);
    private volatile CatalogueState _state;

    private ModuleSystem(IDatabaseServer server, AddonPaths paths, IReadOnlyList<IAddonBehaviour> behaviours, CatalogueState state)
    {
        _server = server;
        Paths = paths;
        _behaviours = behaviours;
        _state = state;
        Installer = new ModuleInstaller(this);
    }

    /// <summary>Where addons are looked for.</summary>
    public AddonPaths Paths { get; }

    /// <summary>The catalogue as last read from disk.</summary>
    public AddonCatalogue Catalogue => _state.Catalogue;

    /// <summary>Install, uninstall, upgrade and update_list inside a caller's transaction.</summary>
    public ModuleInstaller Installer { get; }

    /// <summary>
    /// Reads the catalogue and creates the module system. <paramref name="behaviours"/> are the C# behaviours of
    /// built-in addons (<see cref="BuiltInBehaviours.All"/> plus, e.g., the SaaS project's own).
    /// </summary>
    public static async Task<ModuleSystem> CreateAsync(IDatabaseServer server, AddonPaths paths, IEnumerable<IAddonBehaviour> behaviours,
        CancellationToken cancellationToken)
    {
        var catalogue = await AddonCatalogue.LoadAsync(paths.All, cancellationToken);
        return new ModuleSystem(server, paths, [.. behaviours], CatalogueState.Initial(catalogue));
    }

    /// <summary>
    /// Re-reads the addons path (what <c>update_list</c> does first). Definitions already seen stay known by
    /// version, so databases that have an older version installed keep their registry until they upgrade.
    /// </summary>
    public async Task<AddonCatalogue> ReloadCatalogueAsync(CancellationToken cancellationToken)
    {
        await _reload.WaitAsync(cancellationToken);
        try
        {
            var catalogue = await AddonCatalogue.LoadAsync(Paths.All, cancellationToken);
            _state = _state.With(catalogue);
            return catalogue;
        }
        finally
        {
            _reload.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<ModelRegistry> GetRegistryAsync(string database, CancellationToken cancellationToken)
    {
        var installed = await ReadInstalledAsync(database, cancellationToken);
        return RegistryFor(installed.Select(i => Definition(i.Name, i.Version)));
    }

    /// <summary>The definition of <paramref name="name"/> at <paramref name="version"/> if known, else the one on disk.</summary>
    internal AddonDefinition Definition(string name, string? version)
    {
        var state = _state;
        if (version is not null && state.History.TryGetValue((name, version), out var known))
        {
            return known;
        }

        return state.Catalogue.Find(name)
            ?? throw new UserErrorException($"Addon '{name}' is installed but no longer on the addons path");
    }

    /// <summary>
    /// The registry of exactly these addons (in any order; they are sorted by dependencies), shared with every
    /// database that has the same addons at the same content. Throws <see cref="UserErrorException"/> naming the
    /// addon when its declarations do not fit the others'.
    /// </summary>
    internal ModelRegistry RegistryFor(IEnumerable<AddonDefinition> addons)
    {
        var byName = addons.ToDictionary(a => a.Name, StringComparer.Ordinal);
        var ordered = Sort(byName);
        var key = string.Join(',', ordered.Select(a => $"{a.Name}@{a.Manifest.Version}#{a.ContentHash}"));
        var lazy = _registries.GetOrAdd(key, _ => new Lazy<ModelRegistry>(() => Build(ordered), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            // A failed build is not cached: the addons may be fixed on disk and tried again.
            _registries.TryRemove(new KeyValuePair<string, Lazy<ModelRegistry>>(key, lazy));
            throw;
        }
    }

    /// <summary>How many distinct registries the process holds (for tests and monitoring).</summary>
    public int RegistryCount => _registries.Count;

    private ModelRegistry Build(IReadOnlyList<AddonDefinition> ordered)
    {
        var methods = new MethodTable();
        ModuleMethods.Register(methods, this);
        foreach (var addon in ordered)
        {
            foreach (var behaviour in _behaviours.Where(b => b.Addon == addon.Name))
            {
                behaviour.Register(methods);
            }
        }

        try
        {
            return ModelRegistry.Build(ordered.SelectMany(a => a.Models.Select(m => (a.Name, m))), methods);
        }
        catch (ModelDefinitionException e)
        {
            throw new UserErrorException(e.Message);
        }
    }

    /// <summary>Dependency order (base first) among the given addons, by their own manifests.</summary>
    private static List<AddonDefinition> Sort(Dictionary<string, AddonDefinition> addons)
    {
        var order = new List<AddonDefinition>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        void Visit(AddonDefinition addon, int depth)
        {
            if (depth > addons.Count)
            {
                throw new UserErrorException($"Addon '{addon.Name}' has a circular dependency");
            }

            if (done.Contains(addon.Name))
            {
                return;
            }

            foreach (var dependency in addon.Manifest.Depends)
            {
                if (addons.TryGetValue(dependency, out var inner))
                {
                    Visit(inner, depth + 1);
                }
            }

            if (done.Add(addon.Name))
            {
                order.Add(addon);
            }
        }

        foreach (var addon in addons.Values.OrderBy(a => a.Name, StringComparer.Ordinal))
        {
            Visit(addon, 0);
        }

        return order;
    }

    /// <summary>The addons a database has installed (or is upgrading or removing), with their installed versions.</summary>
    private async Task<List<(string Name, string? Version)>> ReadInstalledAsync(string database, CancellationToken cancellationToken)
    {
        await using var connection = await _server.OpenAsync(database, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT \"name\", \"latest_version\" FROM \"ir_module_module\" WHERE \"state\" IN ('installed', 'to upgrade', 'to remove')";
        var installed = new List<(string, string?)>();
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                installed.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
            }
        }
        catch (DbException e)
        {
            throw new UserErrorException($"Database '{database}' is not initialised (no module table): {e.Message}");
        }

        return installed;
    }

    /// <summary>The catalogue and every definition seen so far, by (name, version).</summary>
    private sealed record CatalogueState(AddonCatalogue Catalogue, IReadOnlyDictionary<(string, string), AddonDefinition> History)
    {
        public static CatalogueState Initial(AddonCatalogue catalogue) =>
            new(catalogue, catalogue.Addons.Values.ToDictionary(a => (a.Name, a.Manifest.Version)));

        public CatalogueState With(AddonCatalogue catalogue)
        {
            var history = new Dictionary<(string, string), AddonDefinition>(History);
            foreach (var addon in catalogue.Addons.Values)
            {
                // Same version read again: the files on disk win (an operator edited without bumping the version).
                history[(addon.Name, addon.Manifest.Version)] = addon;
            }

            return new CatalogueState(catalogue, history);
        }
    }
}
