using SaasPortal.Api.Security;

namespace SaasPortal.Api.Services;

/// <summary>
/// Odoo's <c>object</c> service: <c>execute(db, uid, password, model, method, *args)</c> and
/// <c>execute_kw(db, uid, password, model, method, args, kwargs=None)</c>. Credentials are checked by the ORM
/// against the database named, before anything else.
/// </summary>
public sealed class ObjectService(IOrmGateway orm, LoginThrottle throttle) : IRpcService
{
    private static readonly IReadOnlyDictionary<string, object?> NoKwargs = new Dictionary<string, object?>(StringComparer.Ordinal);

    /// <inheritdoc />
    public string Name => "object";

    /// <inheritdoc />
    public Task<object?> CallAsync(string method, IReadOnlyList<object?> args, CancellationToken cancellationToken)
    {
        var a = new RpcArguments(method, args);
        return method switch
        {
            "execute" => ExecuteAsync(a, [.. args.Skip(5)], NoKwargs, cancellationToken),
            "execute_kw" => ExecuteKwAsync(a, cancellationToken),
            _ => throw ServiceException.Application($"The method '{ServiceDispatcher.Truncate(method)}' does not exist on the service 'object'"),
        };
    }

    private Task<object?> ExecuteKwAsync(RpcArguments a, CancellationToken cancellationToken)
    {
        a.AtMost(7);
        var args = a[5] switch
        {
            null => [],
            IReadOnlyList<object?> list => list,
            _ => throw ServiceException.TypeError("execute_kw() argument 'args' must be a list"),
        };
        var kwargs = a[6] switch
        {
            null or false => NoKwargs,
            IReadOnlyDictionary<string, object?> dict => dict,
            _ => throw ServiceException.TypeError("execute_kw() argument 'kwargs' must be a dict"),
        };
        return ExecuteAsync(a, args, kwargs, cancellationToken);
    }

    private async Task<object?> ExecuteAsync(RpcArguments a, IReadOnlyList<object?> args,
        IReadOnlyDictionary<string, object?> kwargs, CancellationToken cancellationToken)
    {
        var database = DatabaseArgument.Read(a, 0);
        // A failed authenticate() returns False; clients pass it on as the uid. That is bad credentials, not a type error.
        if (a[1] is not int uid || a[2] is not string password)
        {
            throw ServiceException.AccessDenied();
        }

        var model = a.String(3, "model");
        var method = a.String(4, "method");
        // Every call carries the password: a wrong one counts as a failed login of that uid, and a caller that
        // failed too often waits before its password is checked again.
        return await throttle.GuardAsync(database, "uid " + uid.ToString(System.Globalization.CultureInfo.InvariantCulture),
            () => orm.ExecuteKwAsync(database, uid, password, model, method, args, kwargs, cancellationToken), _ => true);
    }
}
