namespace SaasPortal.Client;

/// <summary>Paging and ordering of a search.</summary>
/// <param name="Offset">Records to skip.</param>
/// <param name="Limit">Most records to return; null for all.</param>
/// <param name="Order">An order clause of the model's fields, e.g. <c>"name, id desc"</c>; null for the model's own.</param>
public sealed record SearchOptions(int Offset = 0, int? Limit = null, string? Order = null)
{
    /// <summary>No paging, the model's order.</summary>
    public static SearchOptions Default { get; } = new();

    internal void AddTo(Dictionary<string, object?> kwargs)
    {
        if (Offset != 0)
        {
            kwargs["offset"] = Offset;
        }

        if (Limit is { } limit)
        {
            kwargs["limit"] = limit;
        }

        if (Order is { Length: > 0 } order)
        {
            kwargs["order"] = order;
        }
    }
}

/// <summary>
/// The generic model API: Odoo's ORM methods on one model, with typed results. Domains are Odoo's lists, e.g.
/// <c>["|", ["name", "ilike", "acme"], ["email", "=like", "%@acme.com"]]</c>; values are the wire values
/// (many2one as an id, x2many as command lists, dates as <c>YYYY-MM-DD</c> strings). Records read back as
/// dictionaries keyed by field name, with Odoo's wire forms (False for empty, <c>[id, name]</c> for many2one).
/// </summary>
public sealed class OdooModel
{
    internal OdooModel(OdooSession session, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Session = session;
        Name = name;
    }

    /// <summary>The session the calls run as.</summary>
    public OdooSession Session { get; }

    /// <summary>The model's name, e.g. <c>res.partner</c>.</summary>
    public string Name { get; }

    /// <summary><c>search(domain, offset, limit, order)</c>: the ids of matching records.</summary>
    public async Task<IReadOnlyList<int>> SearchAsync(IReadOnlyList<object?> domain, CancellationToken cancellationToken, SearchOptions? options = null) =>
        Wire.Ids(await CallAsync("search", [domain], cancellationToken, Options(options)).ConfigureAwait(false), Call("search"));

    /// <summary><c>search_count(domain)</c>.</summary>
    public async Task<int> SearchCountAsync(IReadOnlyList<object?> domain, CancellationToken cancellationToken) =>
        Wire.Int(await CallAsync("search_count", [domain], cancellationToken).ConfigureAwait(false), Call("search_count"));

    /// <summary><c>read(ids, fields)</c>: one dictionary per record (always with <c>id</c>); all readable fields when <paramref name="fields"/> is null.</summary>
    public async Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> ReadAsync(IReadOnlyList<int> ids, IReadOnlyList<string>? fields,
        CancellationToken cancellationToken) =>
        Wire.Rows(await CallAsync("read", [ids], cancellationToken, Fields(fields)).ConfigureAwait(false), Call("read"));

    /// <summary><c>search_read(domain, fields, offset, limit, order)</c>.</summary>
    public async Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> SearchReadAsync(IReadOnlyList<object?> domain, IReadOnlyList<string>? fields,
        CancellationToken cancellationToken, SearchOptions? options = null)
    {
        var kwargs = Fields(fields);
        options?.AddTo(kwargs);
        return Wire.Rows(await CallAsync("search_read", [domain], cancellationToken, kwargs).ConfigureAwait(false), Call("search_read"));
    }

    /// <summary><c>create(values)</c>: the new record's id.</summary>
    public async Task<int> CreateAsync(IReadOnlyDictionary<string, object?> values, CancellationToken cancellationToken) =>
        Wire.Int(await CallAsync("create", [values], cancellationToken).ConfigureAwait(false), Call("create"));

    /// <summary><c>create([values, …])</c>: the new records' ids, in order, in one call (one transaction).</summary>
    public async Task<IReadOnlyList<int>> CreateManyAsync(IReadOnlyList<IReadOnlyDictionary<string, object?>> values, CancellationToken cancellationToken) =>
        Wire.Ids(await CallAsync("create", [values], cancellationToken).ConfigureAwait(false), Call("create"));

    /// <summary><c>write(ids, values)</c>.</summary>
    public async Task WriteAsync(IReadOnlyList<int> ids, IReadOnlyDictionary<string, object?> values, CancellationToken cancellationToken) =>
        await CallAsync("write", [ids, values], cancellationToken).ConfigureAwait(false);

    /// <summary><c>unlink(ids)</c>.</summary>
    public async Task UnlinkAsync(IReadOnlyList<int> ids, CancellationToken cancellationToken) =>
        await CallAsync("unlink", [ids], cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// <c>fields_get(allfields, attributes)</c>: each field's description (<c>type</c>, <c>string</c>, <c>required</c>,
    /// <c>relation</c>, <c>selection</c>…), restricted to <paramref name="fields"/> and <paramref name="attributes"/> when given.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>> FieldsGetAsync(CancellationToken cancellationToken,
        IReadOnlyList<string>? fields = null, IReadOnlyList<string>? attributes = null)
    {
        var kwargs = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (fields is not null)
        {
            kwargs["allfields"] = fields;
        }

        if (attributes is not null)
        {
            kwargs["attributes"] = attributes;
        }

        var result = Wire.Struct(await CallAsync("fields_get", [], cancellationToken, kwargs).ConfigureAwait(false), Call("fields_get"));
        return result.ToDictionary(f => f.Key, f => (IReadOnlyDictionary<string, object?>)Wire.Struct(f.Value, Call("fields_get")), StringComparer.Ordinal);
    }

    /// <summary>Any other method of the model (<c>name_search</c>, <c>copy</c>, a workflow button…), result as sent.</summary>
    public Task<object?> CallAsync(string method, IReadOnlyList<object?> args, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, object?>? kwargs = null) =>
        Session.ExecuteKwAsync(Name, method, args, cancellationToken, kwargs);

    /// <inheritdoc />
    public override string ToString() => Name;

    private static Dictionary<string, object?> Options(SearchOptions? options)
    {
        var kwargs = new Dictionary<string, object?>(StringComparer.Ordinal);
        options?.AddTo(kwargs);
        return kwargs;
    }

    private static Dictionary<string, object?> Fields(IReadOnlyList<string>? fields)
    {
        var kwargs = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (fields is not null)
        {
            kwargs["fields"] = fields;
        }

        return kwargs;
    }

    private string Call(string method) => $"{Name}.{method}()";
}
