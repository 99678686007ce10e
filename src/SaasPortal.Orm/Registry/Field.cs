using SaasPortal.Orm.Schema;
using SaasPortal.Storage.Dialects;

namespace SaasPortal.Orm.Registry;

/// <summary>
/// A field of a model in a built registry: the merged declaration plus what the ORM derives from it (whether it
/// has a column, its relation table). Immutable and shared by every database using the registry.
/// </summary>
public sealed class Field
{
    internal Field(string model, FieldSpec spec, string module, bool magic, RelationInfo? relation)
    {
        Model = model;
        Spec = spec;
        Module = module;
        IsMagic = magic;
        Relation = relation;
        Related = spec.Related?.Split('.');
        var computedOrRelated = spec.Compute is not null || spec.Related is not null;
        IsStored = spec.Type switch
        {
            // A one2many stores nothing itself but is as searchable and readable as a stored field, through its inverse.
            FieldType.One2many => !computedOrRelated,
            _ when computedOrRelated => spec.Store == true,
            _ => spec.Store ?? true,
        };
        // Binary values live in the file store as attachments (res_model, res_field, res_id), never in the table.
        HasColumn = IsStored && spec.Type is not (FieldType.One2many or FieldType.Many2many or FieldType.Binary);
    }

    /// <summary>The model the field belongs to.</summary>
    public string Model { get; }

    /// <summary>The merged declaration.</summary>
    public FieldSpec Spec { get; }

    /// <summary>Technical name (also the column name).</summary>
    public string Name => Spec.Name;

    /// <summary>The field type.</summary>
    public FieldType Type => Spec.Type;

    /// <summary>The module whose declaration is in force (the last one that declared the field).</summary>
    public string Module { get; }

    /// <summary>One of the fields every model has (id, create_uid, create_date, write_uid, write_date, display_name).</summary>
    public bool IsMagic { get; }

    /// <summary>Whether the value is stored: in a column, or in a relation table for many2many.</summary>
    public bool IsStored { get; }

    /// <summary>Whether the field has a column in the model's table.</summary>
    public bool HasColumn { get; }

    /// <summary>Whether the value is kept as an ir.attachment of the record (stored binary fields).</summary>
    public bool IsAttachment => Type == FieldType.Binary && IsStored;

    /// <summary>The relation table of a stored many2many.</summary>
    public RelationInfo? Relation { get; }

    /// <summary>The path of a related field, split at dots.</summary>
    public IReadOnlyList<string>? Related { get; }

    /// <summary>The label users see.</summary>
    public string Label => Spec.Label ?? DefaultLabel(Spec.Name);

    /// <summary>The comodel of a relational field.</summary>
    public string? Comodel => Spec.Comodel;

    /// <summary>Whether the field is a many2one, one2many or many2many.</summary>
    public bool IsRelational => Type is FieldType.Many2one or FieldType.One2many or FieldType.Many2many;

    /// <summary>Whether the field is a one2many or many2many.</summary>
    public bool IsX2Many => Type is FieldType.One2many or FieldType.Many2many;

    /// <summary>Whether the value is computed by a registered function.</summary>
    public bool IsComputed => Spec.Compute is not null;

    /// <summary>Whether the value mirrors another record's field.</summary>
    public bool IsRelated => Spec.Related is not null;

    /// <summary>Only the ORM's code may touch it (see <see cref="FieldSpec.SystemOnly"/>).</summary>
    public bool SystemOnly => Spec.SystemOnly;

    /// <summary>Whether clients may write the field: stored or related, not readonly, not computed without inverse.</summary>
    public bool IsReadonly => Spec.Readonly || IsMagic || (IsComputed && !IsRelated && !Spec.HasInverse);

    /// <summary>The storage kind of the column.</summary>
    public SqlColumnType ColumnType => Type switch
    {
        FieldType.Integer or FieldType.Many2one => SqlColumnType.Integer,
        FieldType.Float or FieldType.Monetary => SqlColumnType.Double,
        FieldType.Boolean => SqlColumnType.Boolean,
        FieldType.Date => SqlColumnType.Date,
        FieldType.Datetime => SqlColumnType.DateTime,
        FieldType.Binary => SqlColumnType.Binary,
        _ => SqlColumnType.Text,
    };

    /// <summary>Odoo's default label: the name without a trailing _id/_ids, underscores as spaces, capitalised.</summary>
    public static string DefaultLabel(string name)
    {
        var text = name;
        if (text.EndsWith("_ids", StringComparison.Ordinal))
        {
            text = text[..^4];
        }
        else if (text.EndsWith("_id", StringComparison.Ordinal))
        {
            text = text[..^3];
        }

        text = text.Replace('_', ' ').Trim();
        return text.Length == 0 ? name : char.ToUpperInvariant(text[0]) + text[1..];
    }

    /// <inheritdoc />
    public override string ToString() => $"{Model}.{Name}";
}

/// <summary>The relation table of a many2many and its two columns.</summary>
/// <param name="Table">The relation table.</param>
/// <param name="Column1">Column pointing at the field's own model.</param>
/// <param name="Column2">Column pointing at the comodel.</param>
public sealed record RelationInfo(string Table, string Column1, string Column2);
