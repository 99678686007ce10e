using System.Text.RegularExpressions;

namespace SaasPortal.Addons.Format;

/// <summary>
/// Odoo's external identifiers: <c>module.name</c>. Inside an addon's files an id without a dot belongs to that
/// addon, so <c>group_sale_manager</c> in <c>sale</c> means <c>sale.group_sale_manager</c>.
/// </summary>
public static partial class XmlIds
{
    /// <summary>Whether <paramref name="id"/> is a bare or qualified xml id.</summary>
    public static bool IsValid(string id) => Pattern().IsMatch(id);

    /// <summary>The fully qualified form of <paramref name="id"/> as written in <paramref name="addon"/>'s files.</summary>
    public static string Qualify(string addon, string id) => id.Contains('.', StringComparison.Ordinal) ? id : addon + "." + id;

    /// <summary>Splits a qualified id into module and name.</summary>
    public static (string Module, string Name) Split(string qualifiedId)
    {
        var dot = qualifiedId.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            throw new ArgumentException($"'{qualifiedId}' is not a qualified xml id", nameof(qualifiedId));
        }

        return (qualifiedId[..dot], qualifiedId[(dot + 1)..]);
    }

    /// <summary>Odoo's automatic xml id of a model's ir.model row: <c>model_sale_order</c> for sale.order.</summary>
    public static string ForModel(string model) => "model_" + model.Replace('.', '_');

    /// <summary>Odoo's automatic xml id of a field's ir.model.fields row: <c>field_sale_order__name</c>.</summary>
    public static string ForField(string model, string field) => "field_" + model.Replace('.', '_') + "__" + field;

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_\-]*(\.[A-Za-z0-9_][A-Za-z0-9_\-]*)?$")]
    private static partial Regex Pattern();
}
