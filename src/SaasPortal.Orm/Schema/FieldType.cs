namespace SaasPortal.Orm.Schema;

/// <summary>Odoo's field types, as <c>fields_get</c> names them (the enum name lowercased).</summary>
public enum FieldType
{
    Char,
    Text,
    Html,
    Integer,
    Float,
    Monetary,
    Boolean,
    Date,
    Datetime,
    Selection,
    Many2one,
    One2many,
    Many2many,
    Binary,
}
