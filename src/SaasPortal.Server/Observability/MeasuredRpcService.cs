using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SaasPortal.Api.Services;
using SaasPortal.Orm.Errors;

namespace SaasPortal.Server.Observability;

/// <summary>
/// Wraps one RPC service (common, db, object): a span and a duration per call, by service, model and method, and the
/// database in the log scope of everything logged during the call. The edge itself stays unaware of telemetry.
/// </summary>
internal sealed class MeasuredRpcService(IRpcService inner, SaasPortalTelemetry telemetry, ILogger<MeasuredRpcService> logger) : IRpcService
{
    public string Name => inner.Name;

    public async Task<object?> CallAsync(string method, IReadOnlyList<object?> args, CancellationToken cancellationToken)
    {
        // object.execute_kw(db, uid, password, model, method, …): the model method is what operators want to see.
        var (model, measured) = Name == "object" && args.Count > 4 && args[3] is string m && args[4] is string mm ? (m, mm) : ("", method);
        // The db service's first argument is the master password: never a scope value.
        var database = Name is "object" or "common" && args.Count > 0 ? args[0] as string : null;
        return await MeasureAsync(telemetry, logger, Name, model, measured, database, () => inner.CallAsync(method, args, cancellationToken));
    }

    /// <summary>Runs <paramref name="call"/> inside the scope and span of one RPC call and records its duration and outcome.</summary>
    public static async Task<T> MeasureAsync<T>(SaasPortalTelemetry telemetry, ILogger logger, string service, string model, string method, string? database,
        Func<Task<T>> call)
    {
        using var scope = database is null ? null : logger.BeginScope("Database:{Database}", database);
        using var activity = SaasPortalTelemetry.Source.StartActivity(model.Length > 0 ? $"{service} {model}.{method}" : $"{service}.{method}");
        activity?.SetTag("rpc.service", service);
        activity?.SetTag("rpc.method", method);
        if (model.Length > 0)
        {
            activity?.SetTag("saasportal.model", model);
        }

        if (database is not null)
        {
            activity?.SetTag("db.namespace", database);
        }

        var started = Stopwatch.GetTimestamp();
        var outcome = "error";
        try
        {
            var result = await call();
            outcome = "ok";
            return result;
        }
        catch (Exception e) when (e is ServiceException or OdooException)
        {
            // A fault the client gets as designed (access denied, user error, …), not a server failure.
            outcome = "fault";
            throw;
        }
        finally
        {
            activity?.SetTag("saasportal.outcome", outcome);
            if (outcome == "error")
            {
                activity?.SetStatus(ActivityStatusCode.Error);
            }

            telemetry.RecordCall(service, model, method, outcome, Stopwatch.GetElapsedTime(started));
        }
    }
}

/// <summary>
/// Wraps the edge's gateway onto the ORM: failed logins (every protocol authenticates through it) and the web
/// client's call_kw, which does not pass through the object service.
/// </summary>
internal sealed partial class MeasuredOrmGateway(IOrmGateway inner, SaasPortalTelemetry telemetry, ILogger<MeasuredOrmGateway> logger) : IOrmGateway
{
    public async Task<int?> AuthenticateAsync(string database, string login, string password, CancellationToken cancellationToken)
    {
        var uid = await inner.AuthenticateAsync(database, login, password, cancellationToken);
        if (uid is null)
        {
            telemetry.RecordFailedLogin();
            using var scope = logger.BeginScope("Database:{Database}", database);
            // As Odoo logs it: the database and login, never the password.
            LogLoginFailed(logger, database, login.Length <= 100 ? login : login[..100]);
        }

        return uid;
    }

    public Task<object?> ExecuteKwAsync(string database, int uid, string password, string model, string method, IReadOnlyList<object?> args,
        IReadOnlyDictionary<string, object?> kwargs, CancellationToken cancellationToken) =>
        inner.ExecuteKwAsync(database, uid, password, model, method, args, kwargs, cancellationToken);

    public Task<object?> ExecuteKwAsSessionUserAsync(string database, int uid, string model, string method, IReadOnlyList<object?> args,
        IReadOnlyDictionary<string, object?> kwargs, CancellationToken cancellationToken) =>
        MeasuredRpcService.MeasureAsync(telemetry, logger, "web", model, method, database,
            () => inner.ExecuteKwAsSessionUserAsync(database, uid, model, method, args, kwargs, cancellationToken));

    public void ForgetDatabase(string database) => inner.ForgetDatabase(database);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Login failed for db:{Database} login:{Login}")]
    private static partial void LogLoginFailed(ILogger logger, string database, string login);
}
