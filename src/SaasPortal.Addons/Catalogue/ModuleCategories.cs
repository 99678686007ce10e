using System.Text;

namespace SaasPortal.Addons.Catalogue;

/// <summary>
/// Odoo's mapping from a manifest's category ("Accounting &amp; Finance", "Sales/Sales") to the xml id of its
/// ir.module.category (base.module_category_accounting_and_finance), so that base's own category records, which
/// groups refer to, are the ones modules are filed under.
/// </summary>
public static class ModuleCategories
{
    /// <summary>The unqualified xml id (in module base) of <paramref name="category"/>.</summary>
    public static string XmlIdName(string category)
    {
        var path = string.Join('_', category.Split('/', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .ToLowerInvariant()
            .Replace("&", "and", StringComparison.Ordinal);
        var slug = new StringBuilder("module_category_");
        foreach (var c in path)
        {
            slug.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }

        return slug.ToString();
    }

    /// <summary>The name shown for the category: its last path segment.</summary>
    public static string DisplayName(string category) =>
        category.Split('/', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "Uncategorized";
}
