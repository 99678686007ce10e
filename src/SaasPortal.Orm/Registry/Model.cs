using System.Collections.Frozen;
using SaasPortal.Orm.Schema;

namespace SaasPortal.Orm.Registry;

/// <summary>
/// A model in a built registry: its table, its fields in declaration order and the modules that declared it.
/// Immutable and shared by every database using the registry.
/// </summary>
public sealed class Model
{
    private readonly FrozenDictionary<string, Field> _fields;

    internal Model(string name, string description, IReadOnlyList<Field> fields, IReadOnlyList<ConstraintSpec> constraints,
        IReadOnlyList<string> modules, string? recName, string? parentName, IReadOnlyList<OrderTerm> order)
    {
        Name = name;
        Table = TableName(name);
        Description = description;
        Fields = fields;
        _fields = fields.ToFrozenDictionary(f => f.Name, StringComparer.Ordinal);
        Constraints = constraints;
        Modules = modules;
        RecName = recName;
        ParentName = parentName;
        DefaultOrder = order;
        HasActive = _fields.TryGetValue("active", out var active) && active.Type == FieldType.Boolean && active.HasColumn;
    }

    /// <summary>The dotted model name.</summary>
    public string Name { get; }

    /// <summary>The table: the name with dots replaced by underscores.</summary>
    public string Table { get; }

    /// <summary>Human description.</summary>
    public string Description { get; }

    /// <summary>Every field (magic ones included) in declaration order.</summary>
    public IReadOnlyList<Field> Fields { get; }

    /// <summary>Unique constraints over several columns.</summary>
    public IReadOnlyList<ConstraintSpec> Constraints { get; }

    /// <summary>The modules that declared or extended the model; the first created it.</summary>
    public IReadOnlyList<string> Modules { get; }

    /// <summary>The module that created the model.</summary>
    public string Module => Modules[0];

    /// <summary>Field giving display names, or null (display name "model,id").</summary>
    public string? RecName { get; }

    /// <summary>The many2one making the model a hierarchy for child_of/parent_of, or null.</summary>
    public string? ParentName { get; }

    /// <summary>The default order.</summary>
    public IReadOnlyList<OrderTerm> DefaultOrder { get; }

    /// <summary>Whether the model has a stored boolean <c>active</c> field (archived records are hidden from searches).</summary>
    public bool HasActive { get; }

    /// <summary>The field of that name, or null.</summary>
    public Field? FindField(string name) => _fields.GetValueOrDefault(name);

    /// <summary>The field of that name; a <see cref="Errors.ValueErrorException"/> naming model and field otherwise.</summary>
    public Field GetField(string name) =>
        _fields.TryGetValue(name, out var field) && !field.SystemOnly
            ? field
            : throw new Errors.ValueErrorException($"Invalid field '{name}' on model '{Name}'");

    /// <summary>The table name of a model name.</summary>
    public static string TableName(string model) => model.Replace('.', '_');

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>One term of an order clause: a field (checked against the model) and a direction.</summary>
/// <param name="Field">The field name.</param>
/// <param name="Descending">Whether the order is descending.</param>
public sealed record OrderTerm(string Field, bool Descending);
