using System.Collections;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Registry;

namespace SaasPortal.Orm.Service;

/// <summary>
/// Read-only fields are a promise to clients, not to code: a client's create or write may not set them (the
/// superuser's may), while model methods and overrides, which run on the server, still can (as Odoo's buttons
/// write fields the form shows read-only). Checked on the values as they arrive, x2many commands included.
/// </summary>
internal static class ClientValues
{
    public static void CheckWritable(ModelRegistry registry, Model model, string method, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs)
    {
        switch (method)
        {
            case "create":
                var values = args.Count > 0 ? args[0] : kwargs.GetValueOrDefault("vals_list");
                if (values is IList list)
                {
                    foreach (var item in list)
                    {
                        Check(registry, model, item, 0);
                    }
                }
                else
                {
                    Check(registry, model, values, 0);
                }

                break;
            case "write":
                Check(registry, model, args.Count > 1 ? args[1] : kwargs.GetValueOrDefault("vals"), 0);
                break;
        }
    }

    private static void Check(ModelRegistry registry, Model model, object? values, int depth)
    {
        if (values is not IEnumerable<KeyValuePair<string, object?>> pairs || depth > 8)
        {
            return;
        }

        foreach (var (name, value) in pairs)
        {
            if (model.FindField(name) is not { } field)
            {
                continue;
            }

            if (field.Spec.Readonly && !field.IsMagic)
            {
                throw new AccessErrorException($"The field '{field.Label}' ({model.Name}.{field.Name}) is read-only.");
            }

            if (field.IsX2Many && value is IList commands && registry.FindModel(field.Comodel!) is { } comodel)
            {
                foreach (var command in commands)
                {
                    if (command is IList { Count: 3 } c && c[0] is 0 or 1)
                    {
                        Check(registry, comodel, c[2], depth + 1);
                    }
                }
            }
        }
    }
}
