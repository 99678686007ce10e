using System.Globalization;
using SaasPortal.Orm;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Methods;

namespace SaasPortal.Addons.AuthSignup;

/// <summary>
/// <c>res.users.signup(values, token=None)</c> → <c>[db, login, password]</c>, as Odoo's auth_signup: without a
/// token it creates a user when uninvited sign-up is allowed (<c>auth_signup.allow_uninvited</c>), copying the
/// groups of the template user (<c>auth_signup.template_user_id</c>), so that on a portal new customers are portal
/// (share) users.
/// </summary>
public static class Signup
{
    /// <summary>Shortest password accepted at sign-up.</summary>
    public const int MinimumPasswordLength = 8;

    /// <summary>The model method.</summary>
    public static async Task<object?> SignupAsync(MethodCall call)
    {
        var a = call.Bind(Parameter.Required("values"), Parameter.Optional("token"));
        var ct = call.CancellationToken;
        if (a[0] is not IDictionary<string, object?> values)
        {
            throw new UserErrorException("signup expects a dictionary of values (login, name, password).");
        }

        if (a[1] is string { Length: > 0 })
        {
            // Invitation and reset tokens are issued by the web pages' password reset, which is not built yet.
            throw new UserErrorException("Signup token is not valid.");
        }

        // Archived users count too: their logins stay taken, and the template user is archived.
        var env = call.Env.Sudo();
        env = env.WithContext(env.Context.With("active_test", false));
        if (!string.Equals(await GetParamAsync(env, "auth_signup.allow_uninvited", ct), "True", StringComparison.Ordinal))
        {
            throw new UserErrorException("Signup is not allowed for uninvited users");
        }

        var login = (values.TryGetValue("login", out var l) ? l as string : null)?.Trim();
        if (string.IsNullOrEmpty(login))
        {
            throw new UserErrorException("Signup: a login (usually the e-mail address) is required.");
        }

        var password = values.TryGetValue("password", out var p) ? p as string : null;
        if (password is null || password.Length < MinimumPasswordLength)
        {
            throw new UserErrorException($"Signup: the password must have at least {MinimumPasswordLength} characters.");
        }

        if (string.Equals(password, login, StringComparison.OrdinalIgnoreCase))
        {
            throw new UserErrorException("Signup: the password must not be the login.");
        }

        var users = env["res.users"];
        var taken = await users.SearchCountAsync(new List<object?> { new List<object?> { "login", "=", login } }, ct);
        if (taken > 0)
        {
            throw new UserErrorException($"Another user is already registered using this login: {login}");
        }

        var name = values.TryGetValue("name", out var n) && n is string { Length: > 0 } given ? given : login;
        var email = values.TryGetValue("email", out var e) && e is string { Length: > 0 } mail ? mail : login;
        var groups = await TemplateGroupsAsync(env, ct);
        await users.CreateAsync(new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["login"] = login,
            ["name"] = name,
            ["email"] = email,
            ["password"] = password,
            ["groups_id"] = new List<object?> { new List<object?> { 6, 0, groups.Cast<object?>().ToList() } },
        }, ct);
        return new List<object?> { env.Database, login, password };
    }

    private static async Task<List<int>> TemplateGroupsAsync(OrmEnvironment env, CancellationToken cancellationToken)
    {
        if (int.TryParse(await GetParamAsync(env, "auth_signup.template_user_id", cancellationToken), NumberStyles.Integer, CultureInfo.InvariantCulture, out var templateId))
        {
            var template = await env["res.users"].Browse(templateId).ExistsAsync(cancellationToken);
            if (template.Count == 1 && await template.GetAsync("groups_id", cancellationToken) is IEnumerable<object?> ids)
            {
                return [.. ids.OfType<int>()];
            }
        }

        return await env.RefAsync("base.group_portal", cancellationToken) is { } portal ? [portal] : [];
    }

    private static async Task<string?> GetParamAsync(OrmEnvironment env, string key, CancellationToken cancellationToken) =>
        await env.CallAsync("ir.config_parameter", "get_param", [key], null, cancellationToken) as string;
}
