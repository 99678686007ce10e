namespace SaasPortal.Addons.Format;

/// <summary>
/// An addon's <c>__manifest__.json</c>: Odoo's manifest keys, with the technical name taken from the folder.
/// </summary>
public sealed record AddonManifest
{
    /// <summary>Technical name (the folder name), e.g. <c>sale</c>.</summary>
    public required string TechnicalName { get; init; }

    /// <summary>Display name (<c>shortdesc</c> in ir.module.module).</summary>
    public required string Name { get; init; }

    /// <summary>The addon's own version, e.g. "1.0"; a change is what upgrade looks for.</summary>
    public string Version { get; init; } = "1.0";

    public string? Summary { get; init; }

    public string? Description { get; init; }

    /// <summary>Category shown in the apps list; also the <c>ir.module.category</c> the module belongs to.</summary>
    public string Category { get; init; } = "Uncategorized";

    public string? Author { get; init; }

    public string? Website { get; init; }

    public string License { get; init; } = "LGPL-3";

    /// <summary>Technical names of the addons this one needs; <c>base</c> when the manifest lists none.</summary>
    public IReadOnlyList<string> Depends { get; init; } = [];

    /// <summary>Model declaration files (<c>&lt;models&gt;</c> XML), loaded before <see cref="Data"/>.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    /// <summary>Data files (XML records and <c>&lt;model&gt;.csv</c>), loaded in this order.</summary>
    public IReadOnlyList<string> Data { get; init; } = [];

    /// <summary>A full application (shown as an app rather than a technical module).</summary>
    public bool Application { get; init; }

    /// <summary>False marks the addon uninstallable.</summary>
    public bool Installable { get; init; } = true;

    /// <summary>Installed automatically once all of its dependencies are installed.</summary>
    public bool AutoInstall { get; init; }

    /// <summary>Position in the apps list.</summary>
    public int Sequence { get; init; } = 100;
}
