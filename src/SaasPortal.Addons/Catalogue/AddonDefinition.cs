using SaasPortal.Addons.Format;
using SaasPortal.Orm.Schema;

namespace SaasPortal.Addons.Catalogue;

/// <summary>An addon read from disk and validated: its manifest, its model declarations and its data files.</summary>
public sealed record AddonDefinition
{
    public required AddonManifest Manifest { get; init; }

    /// <summary>Absolute path of the addon folder.</summary>
    public required string Directory { get; init; }

    /// <summary>Models declared (or extended) by the files listed under "models", in order.</summary>
    public required IReadOnlyList<ModelSpec> Models { get; init; }

    /// <summary>Data files listed under "data", parsed, in load order.</summary>
    public required IReadOnlyList<DataFile> Data { get; init; }

    /// <summary>
    /// A digest of the manifest and every file it lists: two reads of unchanged files give the same value, so a
    /// registry built from them can be shared, and a change on disk is noticed even when the version was not bumped.
    /// </summary>
    public required string ContentHash { get; init; }

    /// <summary>Shortcut for <see cref="AddonManifest.TechnicalName"/>.</summary>
    public string Name => Manifest.TechnicalName;
}
