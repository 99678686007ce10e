using System.Globalization;
using SaasPortal.Orm.Domains;
using SaasPortal.Orm.Registry;

namespace SaasPortal.Orm.Records;

/// <summary>
/// Records of one model in one environment: the typed C# face of the model methods. create, write and unlink go
/// through the method table (so addon overrides apply, as they would over RPC); search and read run the ORM's
/// own implementation. Access control applies to the environment's user; use <see cref="Sudo"/> for trusted code.
/// </summary>
public sealed class RecordSet
{
    internal RecordSet(OrmEnvironment env, Model model, IReadOnlyList<int> ids)
    {
        Env = env;
        Model = model;
        Ids = ids;
    }

    /// <summary>The environment.</summary>
    public OrmEnvironment Env { get; }

    /// <summary>The model.</summary>
    public Model Model { get; }

    /// <summary>The record ids.</summary>
    public IReadOnlyList<int> Ids { get; }

    /// <summary>The number of records.</summary>
    public int Count => Ids.Count;

    /// <summary>The records of the given ids (not checked for existence).</summary>
    public RecordSet Browse(params IEnumerable<int> ids) => new(Env, Model, [.. ids]);

    /// <summary>The same records with access control bypassed.</summary>
    public RecordSet Sudo() => new(Env.Sudo(), Model, Ids);

    /// <summary>Records matching <paramref name="domain"/> (a parsed domain or a wire list), in order.</summary>
    public async Task<RecordSet> SearchAsync(object? domain, CancellationToken cancellationToken, int offset = 0, int? limit = null, string? order = null) =>
        Browse(await Searcher.SearchAsync(Env, Model, Domain.Parse(domain), offset, limit, order, cancellationToken));

    /// <summary>The number of records matching <paramref name="domain"/>.</summary>
    public Task<int> SearchCountAsync(object? domain, CancellationToken cancellationToken) =>
        Searcher.CountAsync(Env, Model, Domain.Parse(domain), cancellationToken);

    /// <summary>Reads fields (all visible ones when null) as wire values; each row has "id".</summary>
    public Task<List<Dictionary<string, object?>>> ReadAsync(IReadOnlyList<string>? fields, CancellationToken cancellationToken) =>
        Reader.ReadAsync(Env, Model, Ids, fields, cancellationToken);

    /// <summary>Creates a record (through overrides) and returns it.</summary>
    public async Task<RecordSet> CreateAsync(IReadOnlyDictionary<string, object?> values, CancellationToken cancellationToken)
    {
        var result = await Env.CallAsync(Model.Name, "create", [ToDictionary(values)], null, cancellationToken);
        return Browse(Values.ToIds(result));
    }

    /// <summary>Writes values on the records (through overrides).</summary>
    public async Task WriteAsync(IReadOnlyDictionary<string, object?> values, CancellationToken cancellationToken)
    {
        if (Ids.Count > 0)
        {
            await Env.CallAsync(Model.Name, "write", [IdList(), ToDictionary(values)], null, cancellationToken);
        }
    }

    /// <summary>Deletes the records (through overrides).</summary>
    public async Task UnlinkAsync(CancellationToken cancellationToken)
    {
        if (Ids.Count > 0)
        {
            await Env.CallAsync(Model.Name, "unlink", [IdList()], null, cancellationToken);
        }
    }

    /// <summary>Calls a model method on these records, passing their ids as the first argument.</summary>
    public Task<object?> CallAsync(string method, CancellationToken cancellationToken, params object?[] args) =>
        Env.CallAsync(Model.Name, method, [IdList(), .. args], null, cancellationToken);

    /// <summary>The records that still exist (access is not checked).</summary>
    public async Task<RecordSet> ExistsAsync(CancellationToken cancellationToken) =>
        Browse((await Reader.ReadColumnsAsync(Env, Model, Ids, [], cancellationToken)).Keys.Order());

    /// <summary>The value of one field of a single record (wire form).</summary>
    public async Task<object?> GetAsync(string field, CancellationToken cancellationToken)
    {
        if (Ids.Count != 1)
        {
            throw new InvalidOperationException($"Expected a single record of {Model.Name}, got {Ids.Count}.");
        }

        var rows = await ReadAsync([field], cancellationToken);
        return rows[0][field];
    }

    /// <summary>The id of a single record.</summary>
    public int Id => Ids.Count == 1 ? Ids[0] : throw new InvalidOperationException($"Expected a single record of {Model.Name}, got {Ids.Count}.");

    private List<object?> IdList() => Ids.Cast<object?>().ToList();

    private static Dictionary<string, object?> ToDictionary(IReadOnlyDictionary<string, object?> values) =>
        values as Dictionary<string, object?> ?? new Dictionary<string, object?>(values, StringComparer.Ordinal);

    /// <inheritdoc />
    public override string ToString() => $"{Model.Name}({string.Join(", ", Ids.Select(i => i.ToString(CultureInfo.InvariantCulture)))})";
}
