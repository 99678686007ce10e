using SaasPortal.Orm.Records;
using SaasPortal.Orm.Registry;

namespace SaasPortal.Orm.Methods;

/// <summary>
/// One run of a compute function: the records to compute and the fields that share the function. The function
/// sets a wire value per record and field with <see cref="Set"/> (many2one: an id or False; x2many: a list of
/// ids); values it does not set are False.
/// </summary>
public sealed class ComputeCall
{
    private readonly Dictionary<(int Id, string Field), object?> _values = [];

    internal ComputeCall(OrmEnvironment env, Model model, IReadOnlyList<int> ids, IReadOnlyList<Field> fields, CancellationToken cancellationToken)
    {
        Env = env;
        Model = model;
        Ids = ids;
        Fields = fields;
        CancellationToken = cancellationToken;
    }

    /// <summary>The environment (the caller's user; use <see cref="OrmEnvironment.Sudo"/> to read beyond their rights).</summary>
    public OrmEnvironment Env { get; }

    /// <summary>The model of the records.</summary>
    public Model Model { get; }

    /// <summary>The records to compute.</summary>
    public IReadOnlyList<int> Ids { get; }

    /// <summary>The fields computed by this function that were asked for.</summary>
    public IReadOnlyList<Field> Fields { get; }

    /// <summary>The records as a record set.</summary>
    public RecordSet Records => new(Env, Model, Ids);

    /// <summary>The call's cancellation token.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Sets the value of <paramref name="field"/> for record <paramref name="id"/>.</summary>
    public void Set(int id, string field, object? value) => _values[(id, field)] = value;

    internal bool TryGet(int id, string field, out object? value) => _values.TryGetValue((id, field), out value);
}
