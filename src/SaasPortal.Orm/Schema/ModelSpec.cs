namespace SaasPortal.Orm.Schema;

/// <summary>
/// A model as one addon declares it. The same model name declared again by a later addon extends it (Odoo's
/// <c>_inherit</c> on the same name): new fields are added, redeclared fields replaced, and the scalar
/// attributes given here override earlier ones.
/// </summary>
public sealed record ModelSpec
{
    /// <summary>Dotted model name, e.g. "sale.order".</summary>
    public required string Name { get; init; }

    /// <summary>Human description (<c>_description</c>).</summary>
    public string? Description { get; init; }

    /// <summary>Default order, checked like any order clause (<c>_order</c>); "id" when absent.</summary>
    public string? Order { get; init; }

    /// <summary>Field used for display names (<c>_rec_name</c>); "name" when the model has one.</summary>
    public string? RecName { get; init; }

    /// <summary>Field that makes the model hierarchical for child_of and parent_of (<c>_parent_name</c>).</summary>
    public string? ParentName { get; init; }

    /// <summary>True when this declaration extends a model declared by another addon rather than creating it.</summary>
    public bool Extends { get; init; }

    /// <summary>Fields declared (or redeclared) here.</summary>
    public IReadOnlyList<FieldSpec> Fields { get; init; } = [];

    /// <summary>Table constraints declared here, e.g. unique pairs of columns.</summary>
    public IReadOnlyList<ConstraintSpec> Constraints { get; init; } = [];
}

/// <summary>A unique constraint over one or more columns, with the message users see on violation.</summary>
public sealed record ConstraintSpec(string Name, IReadOnlyList<string> UniqueFields, string Message);
