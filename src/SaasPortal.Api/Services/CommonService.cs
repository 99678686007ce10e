using SaasPortal.Api.Security;

namespace SaasPortal.Api.Services;

/// <summary>Odoo's <c>common</c> service: version, about, login and authenticate.</summary>
public sealed class CommonService(IOrmGateway orm, LoginThrottle throttle) : IRpcService
{
    /// <inheritdoc />
    public string Name => "common";

    /// <inheritdoc />
    public async Task<object?> CallAsync(string method, IReadOnlyList<object?> args, CancellationToken cancellationToken)
    {
        var a = new RpcArguments(method, args);
        switch (method)
        {
            case "version":
                return VersionInfo.Create();
            case "about":
                const string about = "SaasPortal: an open-source SaaS platform speaking Odoo's external API";
                return a.OptionalBool(0) ? new List<object?> { about, VersionInfo.ServerVersion } : about;
            case "login":
                a.AtMost(3);
                return await LoginAsync(a, cancellationToken);
            case "authenticate":
                // The fourth argument, user_agent_env, only feeds Odoo's login log.
                a.AtMost(4);
                return await LoginAsync(a, cancellationToken);
            default:
                throw ServiceException.Application($"The method '{ServiceDispatcher.Truncate(method)}' does not exist on the service 'common'");
        }
    }

    private async Task<object> LoginAsync(RpcArguments a, CancellationToken cancellationToken)
    {
        var database = DatabaseArgument.Read(a, 0);
        var login = a[1] as string;
        var password = a[2] as string;
        if (string.IsNullOrEmpty(login) || string.IsNullOrEmpty(password))
        {
            return false;
        }

        var uid = await throttle.GuardAsync(database, login, () => orm.AuthenticateAsync(database, login, password, cancellationToken), found => found is not null);
        return uid is { } found ? found : false;
    }
}
