namespace SaasPortal.Addons.Format;

/// <summary>One parsed data file: its path inside the addon and its operations in file order.</summary>
public sealed record DataFile(string Path, IReadOnlyList<DataOperation> Operations);

/// <summary>A step of a data file, located for error messages.</summary>
public abstract record DataOperation
{
    /// <summary>The file, relative to the addon folder.</summary>
    public required string File { get; init; }

    /// <summary>1-based line (CSV: the row's line), when known.</summary>
    public int? Line { get; init; }
}

/// <summary>
/// <c>&lt;record id="…" model="…"&gt;</c> or a CSV row: create the record (and its xml id) or, when the xml id
/// exists already, update it.
/// </summary>
public sealed record RecordOperation : DataOperation
{
    /// <summary>Qualified xml id (module.name); null for an anonymous record, created every time the file loads.</summary>
    public required string? XmlId { get; init; }

    /// <summary>Target model, e.g. res.groups.</summary>
    public required string Model { get; init; }

    /// <summary>Field values in file order.</summary>
    public required IReadOnlyList<FieldAssignment> Fields { get; init; }

    /// <summary>Loaded on install only; an upgrade leaves the record as users changed it.</summary>
    public bool NoUpdate { get; init; }
}

/// <summary><c>&lt;delete id="…" model="…"/&gt;</c>: remove a record by xml id, if it exists.</summary>
public sealed record DeleteOperation : DataOperation
{
    public required string XmlId { get; init; }

    public required string Model { get; init; }
}

/// <summary>A field of a record and the value the file gives it.</summary>
public sealed record FieldAssignment(string Name, DataValue Value);

/// <summary>A value as written in a data file, converted to the field's type when loaded.</summary>
public abstract record DataValue;

/// <summary>Plain text (element text or a CSV cell), converted by the field's type: "1"/"0" for booleans, etc.</summary>
public sealed record TextValue(string Text) : DataValue;

/// <summary><c>ref="xmlid"</c> or a <c>field:id</c> CSV column: the id of another record; empty means none.</summary>
public sealed record RefValue(string? XmlId) : DataValue;

/// <summary><c>eval="…"</c>: a parsed safe literal.</summary>
public sealed record EvalValue(PyValue Value) : DataValue;
