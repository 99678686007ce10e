using System.Collections.Frozen;
using SaasPortal.Addons.Format;

namespace SaasPortal.Addons.Catalogue;

/// <summary>
/// Every addon found on the addons path at one moment: the valid ones, and for the broken ones the reason, so
/// <c>update_list</c> can show them as uninstallable instead of hiding them. Immutable; reload to see changes on disk.
/// </summary>
public sealed class AddonCatalogue
{
    private AddonCatalogue(FrozenDictionary<string, AddonDefinition> addons, FrozenDictionary<string, string> problems)
    {
        Addons = addons;
        Problems = problems;
    }

    /// <summary>Valid addons by technical name.</summary>
    public FrozenDictionary<string, AddonDefinition> Addons { get; }

    /// <summary>Folders that look like addons but could not be read, by folder name, with the message naming the cause.</summary>
    public FrozenDictionary<string, string> Problems { get; }

    /// <summary>A catalogue of already-read addons (tests and tools).</summary>
    public static AddonCatalogue From(IEnumerable<AddonDefinition> addons, IReadOnlyDictionary<string, string>? problems = null) =>
        new(addons.ToFrozenDictionary(a => a.Name, StringComparer.Ordinal),
            (problems ?? new Dictionary<string, string>()).ToFrozenDictionary(StringComparer.Ordinal));

    /// <summary>
    /// Reads every addon folder under each of <paramref name="paths"/>. As in Odoo, the first folder on the path
    /// that holds an addon of a given name wins, so an operator cannot silently replace a built-in by accident:
    /// built-ins come first.
    /// </summary>
    public static async Task<AddonCatalogue> LoadAsync(IEnumerable<string> paths, CancellationToken cancellationToken)
    {
        var addons = new Dictionary<string, AddonDefinition>(StringComparer.Ordinal);
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (!Directory.Exists(path))
            {
                continue;
            }

            foreach (var directory in Directory.EnumerateDirectories(path).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(directory);
                if (!AddonReader.IsAddonDirectory(directory) || addons.ContainsKey(name) || problems.ContainsKey(name))
                {
                    continue;
                }

                try
                {
                    addons[name] = await AddonReader.ReadAsync(directory, cancellationToken);
                }
                catch (AddonFormatException ex)
                {
                    problems[name] = ex.Message;
                }
            }
        }

        return From(addons.Values, problems);
    }

    /// <summary>The addon named <paramref name="name"/>, or null.</summary>
    public AddonDefinition? Find(string name) => Addons.GetValueOrDefault(name);
}
