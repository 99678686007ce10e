namespace SaasPortal.Addons.Catalogue;

/// <summary>
/// Where addons are looked for: the built-in folder shipped beside the binaries first, then the folders the
/// operator configures, in order. The first folder holding an addon of a given name wins.
/// </summary>
public sealed record AddonPaths
{
    /// <summary>The built-in catalogue: <c>addons/</c> beside the running assembly.</summary>
    public static string BuiltInDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "addons");

    /// <summary>Operator folders searched after the built-in ones.</summary>
    public IReadOnlyList<string> Extra { get; init; } = [];

    /// <summary>Built-in folders (this assembly's, and e.g. the SaaS project's when it ships its own addons).</summary>
    public IReadOnlyList<string> BuiltIn { get; init; } = [BuiltInDirectory];

    /// <summary>Every folder, in search order.</summary>
    public IEnumerable<string> All => BuiltIn.Concat(Extra).Distinct(StringComparer.Ordinal);
}
