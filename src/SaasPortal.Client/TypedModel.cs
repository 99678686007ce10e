namespace SaasPortal.Client;

/// <summary>Names the field a property maps to, when it is not the property's name in snake_case.</summary>
/// <param name="name">The field's technical name, e.g. <c>x_studio_color</c>.</param>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class OdooFieldAttribute(string name) : Attribute
{
    /// <summary>The field's technical name.</summary>
    public string Name { get; } = name;
}

/// <summary>A many2one value as Odoo reads it: <c>[id, display_name]</c>.</summary>
public sealed record Many2One(int Id, string Name);

/// <summary>
/// The model API with records mapped onto <typeparamref name="T"/>: a class with a parameterless constructor whose
/// public properties with a setter are fields — <c>PartnerId</c> is <c>partner_id</c> unless
/// <see cref="OdooFieldAttribute"/> says otherwise. Properties with a public setter (or init) are read and written;
/// with a non-public setter (<c>{ get; private set; }</c>) only read; <c>Id</c> is the record's id and is never written.
/// </summary>
/// <remarks>
/// Property types: <c>string</c>, <c>bool</c>, <c>int</c>, <c>long</c>, <c>double</c>, <c>decimal</c> (nullable or not),
/// <c>DateOnly</c> (date), <c>DateTime</c> (datetime, UTC), <c>byte[]</c> (binary), <see cref="Many2One"/> or
/// <c>int?</c> (many2one), <c>IReadOnlyList&lt;int&gt;</c> (one2many/many2many ids; written as a replace command).
/// Odoo's False reads as null (or the default for non-nullable types) and null is written as False.
/// </remarks>
public sealed class OdooModel<T>
    where T : class, new()
{
    internal OdooModel(OdooModel untyped) => Untyped = untyped;

    /// <summary>The same model with dictionaries, for calls the typed surface does not cover.</summary>
    public OdooModel Untyped { get; }

    /// <summary>The fields <typeparamref name="T"/> maps, which every read asks for.</summary>
    public IReadOnlyList<string> Fields => RecordMap<T>.Fields;

    /// <summary><c>search(domain, …)</c>: matching ids.</summary>
    public Task<IReadOnlyList<int>> SearchAsync(IReadOnlyList<object?> domain, CancellationToken cancellationToken, SearchOptions? options = null) =>
        Untyped.SearchAsync(domain, cancellationToken, options);

    /// <summary><c>read(ids, mapped fields)</c>.</summary>
    public async Task<IReadOnlyList<T>> ReadAsync(IReadOnlyList<int> ids, CancellationToken cancellationToken) =>
        [.. (await Untyped.ReadAsync(ids, Fields, cancellationToken).ConfigureAwait(false)).Select(RecordMap<T>.FromWire)];

    /// <summary><c>search_read(domain, mapped fields, …)</c>.</summary>
    public async Task<IReadOnlyList<T>> SearchReadAsync(IReadOnlyList<object?> domain, CancellationToken cancellationToken, SearchOptions? options = null) =>
        [.. (await Untyped.SearchReadAsync(domain, Fields, cancellationToken, options).ConfigureAwait(false)).Select(RecordMap<T>.FromWire)];

    /// <summary><c>create(values of every mapped field but id)</c>: the new id. Null properties go as False, so the field's default does not apply; use <see cref="Untyped"/> to send fewer fields.</summary>
    public Task<int> CreateAsync(T record, CancellationToken cancellationToken) =>
        Untyped.CreateAsync(RecordMap<T>.ToWire(record), cancellationToken);

    /// <summary><c>write(ids, values of every mapped field but id)</c>.</summary>
    public Task WriteAsync(IReadOnlyList<int> ids, T record, CancellationToken cancellationToken) =>
        Untyped.WriteAsync(ids, RecordMap<T>.ToWire(record), cancellationToken);

    /// <summary><c>unlink(ids)</c>.</summary>
    public Task UnlinkAsync(IReadOnlyList<int> ids, CancellationToken cancellationToken) => Untyped.UnlinkAsync(ids, cancellationToken);
}
