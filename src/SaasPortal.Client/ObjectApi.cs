namespace SaasPortal.Client;

/// <summary>The <c>object</c> service: any model method, with the caller's credentials on every call.</summary>
public sealed class ObjectApi
{
    private const string Service = "object";
    private static readonly IReadOnlyDictionary<string, object?> NoKwargs = new Dictionary<string, object?>(StringComparer.Ordinal);
    private readonly IRpcTransport _transport;

    internal ObjectApi(IRpcTransport transport) => _transport = transport;

    /// <summary>
    /// <c>object.execute_kw(db, uid, password, model, method, args, kwargs)</c>: runs
    /// <c>model.method(*args, **kwargs)</c> as <paramref name="uid"/> in one transaction and returns its result in the
    /// wire value model (Odoo's False for "nothing").
    /// </summary>
    /// <exception cref="OdooFaultException">The server refused or failed the call; nothing was changed.</exception>
    public Task<object?> ExecuteKwAsync(string database, int uid, string password, string model, string method,
        IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?>? kwargs, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(args);
        return _transport.CallAsync(Service, "execute_kw", [database, uid, password, model, method, args, kwargs ?? NoKwargs], cancellationToken);
    }
}
