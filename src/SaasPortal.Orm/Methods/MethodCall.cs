using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Records;
using SaasPortal.Orm.Registry;

namespace SaasPortal.Orm.Methods;

/// <summary>
/// One invocation of a model method: the environment, the model, Odoo's positional and keyword arguments (wire
/// values; the context already taken out of the keywords into <see cref="Env"/>), and the way down the chain of
/// overrides (<see cref="SuperAsync()"/>).
/// </summary>
public sealed class MethodCall
{
    /// <summary>No keyword arguments.</summary>
    public static readonly IReadOnlyDictionary<string, object?> NoKwargs = new Dictionary<string, object?>(StringComparer.Ordinal);

    private readonly ModelMethod[]? _chain;
    private readonly int _index;

    private MethodCall(OrmEnvironment env, Model model, string method, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs,
        ModelMethod[]? chain, int index, CancellationToken cancellationToken)
    {
        Env = env;
        Model = model;
        Method = method;
        Args = args;
        Kwargs = kwargs;
        _chain = chain;
        _index = index;
        CancellationToken = cancellationToken;
    }

    /// <summary>The environment (with the call's context).</summary>
    public OrmEnvironment Env { get; }

    /// <summary>The model.</summary>
    public Model Model { get; }

    /// <summary>The method name.</summary>
    public string Method { get; }

    /// <summary>Positional arguments.</summary>
    public IReadOnlyList<object?> Args { get; }

    /// <summary>Keyword arguments (without <c>context</c>).</summary>
    public IReadOnlyDictionary<string, object?> Kwargs { get; }

    /// <summary>The call's cancellation token.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>An empty record set of the model in the call's environment.</summary>
    public RecordSet Records => new(Env, Model, []);

    /// <summary>Calls the implementation this one overrides, with the same arguments.</summary>
    public Task<object?> SuperAsync() => SuperAsync(Args, Kwargs);

    /// <summary>Calls the implementation this one overrides, with other arguments.</summary>
    public Task<object?> SuperAsync(IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?>? kwargs = null) =>
        RunAsync(new MethodCall(Env, Model, Method, args, kwargs ?? NoKwargs, _chain, _index - 1, CancellationToken));

    /// <summary>Binds the arguments to Python-style parameters (see <see cref="Parameter"/>); a TypeError when they do not fit.</summary>
    public object?[] Bind(params Parameter[] parameters) => ArgumentBinder.Bind(Method, Args, Kwargs, parameters);

    internal static Task<object?> InvokeAsync(OrmEnvironment env, Model model, string method, IReadOnlyList<object?> args,
        IReadOnlyDictionary<string, object?> kwargs, CancellationToken cancellationToken)
    {
        if (kwargs.TryGetValue("context", out var context))
        {
            if (context is IReadOnlyDictionary<string, object?> values)
            {
                var merged = new Dictionary<string, object?>(env.Context.Values, StringComparer.Ordinal);
                foreach (var (key, value) in values)
                {
                    merged[key] = value;
                }

                env = env.WithContext(new OrmContext(merged));
            }
            else if (context is not null and not false)
            {
                throw new TypeErrorException($"{method}() argument 'context' must be a dict");
            }

            kwargs = kwargs.Where(p => p.Key != "context").ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        }

        var chain = env.Registry.MethodChain(model.Name, method);
        return RunAsync(new MethodCall(env, model, method, args, kwargs, chain, (chain?.Length ?? 0) - 1, cancellationToken));
    }

    private static Task<object?> RunAsync(MethodCall call)
    {
        if (call._chain is { } chain && call._index >= 0)
        {
            return chain[call._index](call);
        }

        return BuiltinMethods.Find(call.Method) is { } builtin
            ? builtin(call)
            : throw new UnknownMethodException(call.Model.Name, call.Method);
    }
}

/// <summary>A Python-style parameter: a name and, when optional, its default.</summary>
/// <param name="Name">The parameter name.</param>
/// <param name="IsOptional">Whether it may be omitted.</param>
/// <param name="Default">The value when omitted.</param>
public sealed record Parameter(string Name, bool IsOptional = false, object? Default = null)
{
    /// <summary>A required parameter.</summary>
    public static Parameter Required(string name) => new(name);

    /// <summary>An optional parameter.</summary>
    public static Parameter Optional(string name, object? defaultValue = null) => new(name, true, defaultValue);
}

internal static class ArgumentBinder
{
    public static object?[] Bind(string method, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs, Parameter[] parameters)
    {
        if (args.Count > parameters.Length)
        {
            throw new TypeErrorException($"{method}() takes at most {parameters.Length} positional arguments ({args.Count} given)");
        }

        var values = new object?[parameters.Length];
        var set = new bool[parameters.Length];
        for (var i = 0; i < args.Count; i++)
        {
            values[i] = args[i];
            set[i] = true;
        }

        foreach (var (name, value) in kwargs)
        {
            var index = Array.FindIndex(parameters, p => p.Name == name);
            if (index < 0)
            {
                throw new TypeErrorException($"{method}() got an unexpected keyword argument '{name}'");
            }

            if (set[index])
            {
                throw new TypeErrorException($"{method}() got multiple values for argument '{name}'");
            }

            values[index] = value;
            set[index] = true;
        }

        for (var i = 0; i < parameters.Length; i++)
        {
            if (set[i])
            {
                continue;
            }

            if (!parameters[i].IsOptional)
            {
                throw new TypeErrorException($"{method}() missing required argument: '{parameters[i].Name}'");
            }

            values[i] = parameters[i].Default;
        }

        return values;
    }
}
