namespace SaasPortal.Orm.Methods;

/// <summary>A model method written in C#: receives the call and returns a wire value (null means False).</summary>
public delegate Task<object?> ModelMethod(MethodCall call);

/// <summary>A compute function: sets the values of one or more fields for a batch of records.</summary>
public delegate Task ComputeMethod(ComputeCall call);

/// <summary>A default-value function of one field, evaluated when a record is created without that field.</summary>
public delegate Task<object?> DefaultMethod(OrmEnvironment env, CancellationToken cancellationToken);

/// <summary>
/// A record rule written in C#: the domain a non-superuser's records must match, ANDed with the model's ir.rule
/// rules for every operation (e.g. system parameters restricted to groups).
/// </summary>
public delegate Task<Domains.Domain> RuleMethod(OrmEnvironment env, CancellationToken cancellationToken);

/// <summary>
/// A check run before every RPC call of a database where its addon is installed, whatever the model and method
/// (e.g. a suspended tenant refusing its users). It throws to refuse the call; it runs inside the call's
/// transaction, as the calling user.
/// </summary>
public delegate Task CallGuard(OrmEnvironment env, string model, string method, CancellationToken cancellationToken);

/// <summary>
/// The C# behaviour of models, registered by (model, method name). A later registration of the same pair wraps
/// the earlier one, which it reaches through <see cref="MethodCall.SuperAsync()"/>; at the bottom of every chain
/// sits the ORM's built-in method of that name (search, read, write…), if any. Methods whose names start with '_'
/// are callable from C# but never over RPC. Also holds compute functions (by name, as fields refer to them) and
/// default functions (by model and field).
/// <para>
/// Build the table once per set of installed modules, before building the <see cref="Registry.ModelRegistry"/>
/// that freezes it: registering afterwards throws.
/// </para>
/// </summary>
public sealed class MethodTable
{
    private readonly List<Registration> _methods = [];
    private readonly Dictionary<string, ComputeMethod> _computes = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Model, string Field), DefaultMethod> _defaults = [];
    private readonly List<(string Model, RuleMethod Rule)> _rules = [];
    private readonly List<CallGuard> _guards = [];
    private bool _frozen;

    /// <summary>Registers (or overrides) <paramref name="method"/> on <paramref name="model"/>.</summary>
    public MethodTable Register(string model, string method, ModelMethod handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(handler);
        ThrowIfFrozen();
        _methods.Add(new Registration(model, method, handler));
        return this;
    }

    /// <summary>Registers a compute function under the name fields give in <c>compute</c>; a later one replaces it.</summary>
    public MethodTable RegisterCompute(string name, ComputeMethod compute)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(compute);
        ThrowIfFrozen();
        _computes[name] = compute;
        return this;
    }

    /// <summary>Registers the default of <paramref name="model"/>.<paramref name="field"/>; it wins over the declared literal.</summary>
    public MethodTable RegisterDefault(string model, string field, DefaultMethod handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentException.ThrowIfNullOrEmpty(field);
        ArgumentNullException.ThrowIfNull(handler);
        ThrowIfFrozen();
        _defaults[(model, field)] = handler;
        return this;
    }

    /// <summary>Adds a record rule in C# on <paramref name="model"/> (applies to every user but the superuser and sudo).</summary>
    public MethodTable RegisterRecordRule(string model, RuleMethod rule)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentNullException.ThrowIfNull(rule);
        ThrowIfFrozen();
        _rules.Add((model, rule));
        return this;
    }

    /// <summary>Adds a guard run before every RPC call (see <see cref="CallGuard"/>).</summary>
    public MethodTable RegisterCallGuard(CallGuard guard)
    {
        ArgumentNullException.ThrowIfNull(guard);
        ThrowIfFrozen();
        _guards.Add(guard);
        return this;
    }

    /// <summary>Adds every registration of <paramref name="other"/> after this table's own (so they override these).</summary>
    public MethodTable Include(MethodTable other)
    {
        ArgumentNullException.ThrowIfNull(other);
        ThrowIfFrozen();
        _methods.AddRange(other._methods);
        foreach (var (name, compute) in other._computes)
        {
            _computes[name] = compute;
        }

        foreach (var (key, handler) in other._defaults)
        {
            _defaults[key] = handler;
        }

        _rules.AddRange(other._rules);
        _guards.AddRange(other._guards);

        return this;
    }

    internal IReadOnlyList<Registration> Methods => _methods;

    internal IReadOnlyDictionary<string, ComputeMethod> Computes => _computes;

    internal IReadOnlyDictionary<(string Model, string Field), DefaultMethod> Defaults => _defaults;

    internal IReadOnlyList<(string Model, RuleMethod Rule)> Rules => _rules;

    internal IReadOnlyList<CallGuard> Guards => _guards;

    internal void Freeze() => _frozen = true;

    private void ThrowIfFrozen()
    {
        if (_frozen)
        {
            throw new InvalidOperationException("The method table belongs to a built registry and can no longer change.");
        }
    }

    internal sealed record Registration(string Model, string Method, ModelMethod Handler);
}
