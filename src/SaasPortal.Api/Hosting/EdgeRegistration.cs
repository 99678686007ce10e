using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SaasPortal.Api.JsonRpc;
using SaasPortal.Api.Security;
using SaasPortal.Api.Services;
using SaasPortal.Api.WebSession;
using SaasPortal.Api.XmlRpc;
using SaasPortal.Rpc.JsonRpc;
using SaasPortal.Rpc.XmlRpc;

namespace SaasPortal.Api.Hosting;

/// <summary>Registers and maps the HTTP edge: XML-RPC, JSON-RPC and the web-session routes.</summary>
public static class EdgeRegistration
{
    /// <summary>
    /// Registers the services and protocol endpoints. The host registers <see cref="IOrmGateway"/> (the ORM's entry
    /// point) and the storage services the <c>db</c> service needs.
    /// </summary>
    public static IServiceCollection AddSaasPortalEdge(this IServiceCollection services, EdgeOptions options, MasterPassword masterPassword)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.AddSingleton(masterPassword);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IOrmGateway, UnavailableOrmGateway>();
        services.AddHttpContextAccessor();
        services.AddOptions<LoginThrottleOptions>().BindConfiguration(LoginThrottleOptions.Section)
            .Validate(o => o.Problem() is null, $"{LoginThrottleOptions.Section}: FreeFailures >= 0, 0 < BaseDelay <= MaxDelay, ForgetAfter > 0, MaxTracked >= 1")
            .ValidateOnStart();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<IRpcService, CommonService>();
        services.AddSingleton<IRpcService, DbService>();
        services.AddSingleton<IRpcService, ObjectService>();
        services.AddSingleton<ServiceDispatcher>();
        services.AddSingleton<FaultMapper>();
        // The codecs' document limits follow the body limit: nothing larger can arrive anyway.
        services.AddSingleton(new XmlRpcCodec(new XmlRpcOptions { MaxCharactersInDocument = options.MaxRequestBodyBytes }));
        services.AddSingleton(new JsonRpcCodec(new JsonRpcOptions { MaxBytes = options.MaxRequestBodyBytes }));
        services.AddSingleton<XmlRpcEndpoint>();
        services.AddSingleton<JsonRpcEndpoint>();
        services.AddSingleton<WebSessionCookie>();
        services.AddSingleton<WebSessionRoutes>();

        // Session cookies are signed with keys in the data directory so every node that shares it accepts them.
        var keys = Directory.CreateDirectory(Path.Combine(options.DataDirectory, "keys"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keys.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        services.AddDataProtection().SetApplicationName("SaasPortal").PersistKeysToFileSystem(keys);
        return services;
    }

    /// <summary>Maps /xmlrpc/2/*, the legacy /xmlrpc/*, /jsonrpc and the /web/* JSON routes (POST only).</summary>
    public static IEndpointRouteBuilder MapSaasPortalEdge(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/xmlrpc/2/{service}", (HttpContext context, string service, XmlRpcEndpoint xml) =>
            xml.HandleAsync(context, service, legacy: false));
        endpoints.MapPost("/xmlrpc/{service}", (HttpContext context, string service, XmlRpcEndpoint xml) =>
            xml.HandleAsync(context, service, legacy: true));

        endpoints.MapPost("/jsonrpc", (HttpContext context, JsonRpcEndpoint json, ServiceDispatcher dispatcher) =>
            json.HandleAsync(context, "jsonrpc", (request, ct) =>
            {
                var service = request.Params.GetValueOrDefault("service") as string
                    ?? throw ServiceException.TypeError("jsonrpc: 'params.service' must be a string");
                var method = request.Params.GetValueOrDefault("method") as string
                    ?? throw ServiceException.TypeError("jsonrpc: 'params.method' must be a string");
                var args = request.Params.GetValueOrDefault("args") switch
                {
                    null => [],
                    IReadOnlyList<object?> list => list,
                    _ => throw ServiceException.TypeError("jsonrpc: 'params.args' must be a list"),
                };
                return dispatcher.CallAsync(service, method, args, ct);
            }));

        endpoints.MapPost("/web/webclient/version_info", (HttpContext context, JsonRpcEndpoint json) =>
            json.HandleAsync(context, "version_info", (_, _) => Task.FromResult<object?>(VersionInfo.Create())));
        endpoints.MapPost("/web/session/authenticate", (HttpContext context, JsonRpcEndpoint json, WebSessionRoutes session) =>
            json.HandleAsync(context, "session.authenticate", (request, ct) => session.AuthenticateAsync(context, request, ct)));
        endpoints.MapPost("/web/session/get_session_info", (HttpContext context, JsonRpcEndpoint json, WebSessionRoutes session) =>
            json.HandleAsync(context, "session.get_session_info", (_, ct) => session.GetSessionInfoAsync(context, ct)));
        endpoints.MapPost("/web/session/destroy", (HttpContext context, JsonRpcEndpoint json, WebSessionRoutes session) =>
            json.HandleAsync(context, "session.destroy", (_, _) => session.DestroyAsync(context)));
        endpoints.MapPost("/web/dataset/call_kw", (HttpContext context, JsonRpcEndpoint json, WebSessionRoutes session) =>
            json.HandleAsync(context, "call_kw", (request, ct) => session.CallKwAsync(context, request, ct)));
        // Odoo's web client appends model/method to the path for readable logs; the params carry the call.
        endpoints.MapPost("/web/dataset/call_kw/{**path}", (HttpContext context, JsonRpcEndpoint json, WebSessionRoutes session) =>
            json.HandleAsync(context, "call_kw", (request, ct) => session.CallKwAsync(context, request, ct)));
        return endpoints;
    }
}
