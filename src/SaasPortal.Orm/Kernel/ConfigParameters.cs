using SaasPortal.Orm.Domains;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Methods;
using SaasPortal.Orm.Records;
using static SaasPortal.Orm.Methods.Parameter;

namespace SaasPortal.Orm.Kernel;

/// <summary>
/// ir.config_parameter: get_param and set_param as Odoo has them, and parameters restricted to groups
/// (<c>group_ids</c>): users outside those groups do not see them at all.
/// </summary>
internal static class ConfigParameters
{
    private const string Model = "ir.config_parameter";

    public static void Register(MethodTable table) =>
        table.Register(Model, "get_param", GetParamAsync)
            .Register(Model, "set_param", SetParamAsync)
            .RegisterRecordRule(Model, VisibleParametersAsync);

    private static async Task<Domain> VisibleParametersAsync(OrmEnvironment env, CancellationToken cancellationToken)
    {
        var groups = await env.Access.GroupsAsync(env, cancellationToken);
        var visible = Domain.Leaf("group_ids", "=", false);
        return groups.Count == 0 ? visible : Domain.Or(visible, Domain.Leaf("group_ids", "in", groups.Cast<object?>().ToList()));
    }

    /// <summary>get_param(key, default=False): the value, or the default when the parameter does not exist or is hidden.</summary>
    private static async Task<object?> GetParamAsync(MethodCall call)
    {
        var a = call.Bind(Required("key"), Optional("default", false));
        var key = a[0] as string ?? throw new ValueErrorException("get_param() takes the key as a string");
        var found = await call.Records.SearchAsync(Domain.Leaf("key", "=", key), call.CancellationToken, limit: 1);
        if (found.Count == 0)
        {
            return a[1];
        }

        var value = await found.GetAsync("value", call.CancellationToken);
        return value is string ? value : a[1];
    }

    /// <summary>set_param(key, value, groups=()): the previous value or False; False or None deletes the parameter.</summary>
    private static async Task<object?> SetParamAsync(MethodCall call)
    {
        var a = call.Bind(Required("key"), Required("value"), Optional("groups"));
        var key = a[0] as string ?? throw new ValueErrorException("set_param() takes the key as a string");
        var found = await call.Records.SearchAsync(Domain.Leaf("key", "=", key), call.CancellationToken, limit: 1);
        object? previous = false;
        if (found.Count > 0)
        {
            previous = await found.GetAsync("value", call.CancellationToken);
        }

        var value = a[1];
        if (value is null or false)
        {
            if (found.Count > 0)
            {
                await found.UnlinkAsync(call.CancellationToken);
            }

            return previous;
        }

        var text = value is string s ? s : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
        var vals = new Dictionary<string, object?>(StringComparer.Ordinal) { ["value"] = text.Length == 0 ? " " : text };
        if (a[2] is IEnumerable<object?> groupXmlIds)
        {
            var ids = new List<object?>();
            foreach (var xmlId in groupXmlIds)
            {
                if (xmlId is string name && await call.Env.RefAsync(name, call.CancellationToken) is { } gid)
                {
                    ids.Add(gid);
                }
            }

            vals["group_ids"] = new List<object?> { new List<object?> { 6, 0, ids } };
        }

        if (found.Count > 0)
        {
            await found.WriteAsync(vals, call.CancellationToken);
        }
        else
        {
            vals["key"] = key;
            await call.Records.CreateAsync(vals, call.CancellationToken);
        }

        return previous;
    }
}
