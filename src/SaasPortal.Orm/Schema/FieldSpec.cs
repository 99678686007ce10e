namespace SaasPortal.Orm.Schema;

/// <summary>One option of a selection field: the stored key and the label users see.</summary>
public sealed record SelectionOption(string Value, string Label);

/// <summary>
/// A field as an addon declares it. Addons declare fields as data (XML in the addon folder) or, for the kernel
/// models the ORM itself relies on, in C#. A later addon may declare a field of the same name on the same
/// model: its attributes replace the earlier ones, as Odoo's <c>_inherit</c> does.
/// </summary>
public sealed record FieldSpec
{
    /// <summary>Technical name; also the column name of stored fields.</summary>
    public required string Name { get; init; }

    /// <summary>The field's type.</summary>
    public required FieldType Type { get; init; }

    /// <summary>The label (<c>string</c> in Odoo); derived from the name when absent.</summary>
    public string? Label { get; init; }

    /// <summary>Help text shown in fields_get.</summary>
    public string? Help { get; init; }

    /// <summary>A value must be given (NOT NULL, checked with a clear message).</summary>
    public bool Required { get; init; }

    /// <summary>Clients may not write it (the ORM itself and the superuser may).</summary>
    public bool Readonly { get; init; }

    /// <summary>A literal default value, in wire form (string, number, bool).</summary>
    public object? Default { get; init; }

    /// <summary>Create an index on the column.</summary>
    public bool Index { get; init; }

    /// <summary>Values are unique across the table (a unique index, with a clear message on violation).</summary>
    public bool Unique { get; init; }

    /// <summary>Maximum length of a char field; none when null.</summary>
    public int? Size { get; init; }

    /// <summary>Options of a selection field.</summary>
    public IReadOnlyList<SelectionOption>? Selection { get; init; }

    /// <summary>Target model of many2one, one2many and many2many fields.</summary>
    public string? Comodel { get; init; }

    /// <summary>The many2one on the comodel that a one2many mirrors.</summary>
    public string? InverseName { get; init; }

    /// <summary>Relation table of a many2many (derived from both model names when absent).</summary>
    public string? RelationTable { get; init; }

    /// <summary>Column of the relation table pointing at this model's rows.</summary>
    public string? Column1 { get; init; }

    /// <summary>Column of the relation table pointing at the comodel's rows.</summary>
    public string? Column2 { get; init; }

    /// <summary>What a many2one does when its target is deleted: "set null" (default), "cascade" or "restrict".</summary>
    public string OnDelete { get; init; } = "set null";

    /// <summary>Dotted path whose value this field mirrors (e.g. "partner_id.email").</summary>
    public string? Related { get; init; }

    /// <summary>Name of a registered compute function; the field is computed.</summary>
    public string? Compute { get; init; }

    /// <summary>
    /// A computed field whose writes an override handles (Odoo's <c>inverse</c>), e.g. res.users.password: clients
    /// see it as writable in fields_get.
    /// </summary>
    public bool HasInverse { get; init; }

    /// <summary>Dotted paths whose change recomputes a stored computed field.</summary>
    public IReadOnlyList<string>? Depends { get; init; }

    /// <summary>Whether the value is stored in a column. Computed and related fields are not stored unless this is set.</summary>
    public bool? Store { get; init; }

    /// <summary>XML ids of groups allowed to see the field; everyone when null.</summary>
    public IReadOnlyList<string>? Groups { get; init; }

    /// <summary>Currency field of a monetary field.</summary>
    public string? CurrencyField { get; init; }

    /// <summary>
    /// Stored, but only the ORM's own code touches it: never listed by fields_get, read, searched, ordered or
    /// written through the model methods, whoever calls (e.g. the password hash of res.users).
    /// </summary>
    public bool SystemOnly { get; init; }
}
