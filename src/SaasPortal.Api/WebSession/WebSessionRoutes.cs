using Microsoft.AspNetCore.Http;
using SaasPortal.Api.JsonRpc;
using SaasPortal.Api.Security;
using SaasPortal.Api.Services;
using SaasPortal.Rpc.JsonRpc;

namespace SaasPortal.Api.WebSession;

/// <summary>
/// Odoo's web-session JSON routes: /web/session/authenticate, get_session_info, destroy, and
/// /web/dataset/call_kw, which runs a model method as the session's user.
/// </summary>
internal sealed class WebSessionRoutes(IOrmGateway orm, WebSessionCookie cookie, LoginThrottle throttle)
{
    private static readonly IReadOnlyDictionary<string, object?> NoKwargs = new Dictionary<string, object?>(StringComparer.Ordinal);

    public async Task<object?> AuthenticateAsync(HttpContext context, JsonRpcRequest request, CancellationToken cancellationToken)
    {
        var db = Param(request, "db");
        var login = Param(request, "login");
        var password = Param(request, "password");
        var a = new RpcArguments("authenticate", [db]);
        var database = DatabaseArgument.Read(a, 0);
        if (await throttle.GuardAsync(database, login, () => orm.AuthenticateAsync(database, login, password, cancellationToken), found => found is not null)
            is not { } uid)
        {
            throw ServiceException.AccessDenied();
        }

        var state = cookie.Issue(context, database, uid, login);
        return await SessionInfoAsync(state, cancellationToken);
    }

    public Task<object?> GetSessionInfoAsync(HttpContext context, CancellationToken cancellationToken) =>
        SessionInfoAsync(Require(context), cancellationToken);

    public Task<object?> DestroyAsync(HttpContext context)
    {
        cookie.Clear(context);
        return Task.FromResult<object?>(null);
    }

    public async Task<object?> CallKwAsync(HttpContext context, JsonRpcRequest request, CancellationToken cancellationToken)
    {
        var session = Require(context);
        var model = Param(request, "model");
        var method = Param(request, "method");
        var args = request.Params.GetValueOrDefault("args") switch
        {
            null => [],
            IReadOnlyList<object?> list => list,
            _ => throw ServiceException.TypeError("call_kw: 'args' must be a list"),
        };
        var kwargs = request.Params.GetValueOrDefault("kwargs") switch
        {
            null => NoKwargs,
            IReadOnlyDictionary<string, object?> dict => dict,
            _ => throw ServiceException.TypeError("call_kw: 'kwargs' must be an object"),
        };
        return await orm.ExecuteKwAsSessionUserAsync(session.Db, session.Uid, model, method, args, kwargs, cancellationToken);
    }

    private WebSessionState Require(HttpContext context) => cookie.Read(context) ?? throw new SessionExpiredException();

    private async Task<object?> SessionInfoAsync(WebSessionState state, CancellationToken cancellationToken)
    {
        var info = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["uid"] = state.Uid,
            ["db"] = state.Db,
            ["username"] = state.Login,
            ["is_admin"] = state.Uid == 1,
            ["server_version"] = VersionInfo.ServerVersion,
            ["server_version_info"] = VersionInfo.Create()["server_version_info"],
        };
        var context = new Dictionary<string, object?>(StringComparer.Ordinal) { ["lang"] = "en_US", ["tz"] = false, ["uid"] = state.Uid };
        // The user's own record: runs as the session user, so an inactive or deleted user ends the session here.
        var read = await orm.ExecuteKwAsSessionUserAsync(state.Db, state.Uid, "res.users", "read",
            [new List<object?> { state.Uid }, new List<object?> { "name", "partner_id", "lang", "tz" }], NoKwargs, cancellationToken);
        if (read is IReadOnlyList<object?> { Count: 1 } rows && rows[0] is IReadOnlyDictionary<string, object?> user)
        {
            info["name"] = user.GetValueOrDefault("name");
            info["partner_id"] = user.GetValueOrDefault("partner_id") is IReadOnlyList<object?> { Count: > 0 } partner ? partner[0] : false;
            if (user.GetValueOrDefault("lang") is string { Length: > 0 } lang)
            {
                context["lang"] = lang;
            }

            if (user.GetValueOrDefault("tz") is string { Length: > 0 } tz)
            {
                context["tz"] = tz;
            }
        }

        info["user_context"] = context;
        return info;
    }

    private static string Param(JsonRpcRequest request, string name) =>
        request.Params.GetValueOrDefault(name) as string
        ?? throw ServiceException.TypeError($"missing or non-string parameter '{name}'");
}
