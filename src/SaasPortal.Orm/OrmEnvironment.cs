using SaasPortal.Orm.Access;
using SaasPortal.Orm.Methods;
using SaasPortal.Orm.Records;
using SaasPortal.Orm.Registry;
using SaasPortal.Orm.Sql;

namespace SaasPortal.Orm;

/// <summary>
/// Everything one call runs with: the database's transaction, the registry of its installed modules, the user,
/// superuser mode and the context. Cheap to derive (<see cref="Sudo"/>, <see cref="WithUser"/>,
/// <see cref="WithContext"/>): derived environments share the transaction and the call's caches.
/// </summary>
public sealed class OrmEnvironment
{
    /// <summary>The superuser id: Odoo 8's administrator, who bypasses access control.</summary>
    public const int SuperuserId = 1;

    private readonly bool _sudo;

    internal OrmEnvironment(ModelRegistry registry, OrmTransaction transaction, OrmSettings settings, int uid, bool sudo, OrmContext context, CallState state)
    {
        Registry = registry;
        Transaction = transaction;
        Settings = settings;
        Uid = uid;
        _sudo = sudo;
        Context = context;
        State = state;
    }

    /// <summary>Creates the environment of a call on an open transaction.</summary>
    public static OrmEnvironment Create(ModelRegistry registry, OrmTransaction transaction, OrmSettings settings, int uid, OrmContext? context = null) =>
        new(registry, transaction, settings, uid, sudo: false, context ?? OrmContext.Empty, new CallState());

    /// <summary>The registry of the database's installed modules.</summary>
    public ModelRegistry Registry { get; }

    /// <summary>The call's transaction.</summary>
    public OrmTransaction Transaction { get; }

    /// <summary>The ORM's settings.</summary>
    public OrmSettings Settings { get; }

    /// <summary>The user the call runs as.</summary>
    public int Uid { get; }

    /// <summary>Whether access control is bypassed: in sudo mode, or as the superuser (uid 1).</summary>
    public bool IsSuperuser => _sudo || Uid == SuperuserId;

    /// <summary>The call's context.</summary>
    public OrmContext Context { get; }

    /// <summary>The database name.</summary>
    public string Database => Transaction.Database;

    internal CallState State { get; }

    internal AccessRights Access => State.Access(this);

    /// <summary>The same call with access control bypassed, for trusted code.</summary>
    public OrmEnvironment Sudo() => new(Registry, Transaction, Settings, Uid, sudo: true, Context, State);

    /// <summary>The same call run as another user (access control applies to that user).</summary>
    public OrmEnvironment WithUser(int uid) => new(Registry, Transaction, Settings, uid, sudo: false, Context, State);

    /// <summary>The same call with another context.</summary>
    public OrmEnvironment WithContext(OrmContext context) => new(Registry, Transaction, Settings, Uid, _sudo, context, State);

    /// <summary>
    /// The same transaction with another registry (the module system switches registries while installing); the
    /// call's caches are dropped because models changed.
    /// </summary>
    public OrmEnvironment WithRegistry(ModelRegistry registry) => new(registry, Transaction, Settings, Uid, _sudo, Context, new CallState());

    /// <summary>An empty record set of <paramref name="model"/> (<see cref="Errors.UnknownModelException"/> when it does not exist).</summary>
    public RecordSet this[string model] => new(this, Registry[model], []);

    /// <summary>
    /// Calls <paramref name="method"/> of <paramref name="model"/> as Odoo would over RPC (positional and keyword
    /// arguments, wire values), through every override in the method table. Access control applies to this
    /// environment's user; private methods are allowed (this is C#, not the wire).
    /// </summary>
    public Task<object?> CallAsync(string model, string method, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?>? kwargs,
        CancellationToken cancellationToken) =>
        MethodCall.InvokeAsync(this, Registry[model], method, args, kwargs ?? MethodCall.NoKwargs, cancellationToken);

    /// <summary>The record id an xml id (<c>module.name</c>) points at, or null when it does not exist.</summary>
    public Task<int?> RefAsync(string xmlId, CancellationToken cancellationToken) => XmlIds.ResolveAsync(this, xmlId, cancellationToken);
}
