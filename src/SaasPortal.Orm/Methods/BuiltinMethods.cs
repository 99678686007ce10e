using System.Collections;
using System.Collections.Frozen;
using System.Globalization;
using SaasPortal.Orm.Access;
using SaasPortal.Orm.Domains;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Records;
using SaasPortal.Orm.Registry;
using SaasPortal.Orm.Schema;
using static SaasPortal.Orm.Methods.Parameter;

namespace SaasPortal.Orm.Methods;

/// <summary>
/// The ORM's own model methods with Odoo's signatures and return values: the bottom of every method chain.
/// </summary>
internal static class BuiltinMethods
{
    /// <summary>Methods that never write, run in a read-only (deferred) transaction.</summary>
    public static readonly FrozenSet<string> ReadOnly = new[]
    {
        "search", "search_count", "read", "search_read", "fields_get", "name_get", "name_search", "default_get", "exists",
        "check_access_rights", "check_access_rule", "read_group", "has_group", "get_param",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, ModelMethod> Methods = new Dictionary<string, ModelMethod>(StringComparer.Ordinal)
    {
        ["search"] = SearchAsync,
        ["search_count"] = SearchCountAsync,
        ["read"] = ReadAsync,
        ["search_read"] = SearchReadAsync,
        ["create"] = CreateAsync,
        ["write"] = WriteAsync,
        ["unlink"] = UnlinkAsync,
        ["fields_get"] = FieldsGetAsync,
        ["name_get"] = NameGetAsync,
        ["name_search"] = NameSearchAsync,
        ["name_create"] = NameCreateAsync,
        ["default_get"] = DefaultGetAsync,
        ["exists"] = ExistsAsync,
        ["copy"] = CopyAsync,
        ["check_access_rights"] = CheckAccessRightsAsync,
        ["check_access_rule"] = CheckAccessRuleAsync,
        ["read_group"] = ReadGroup.RunAsync,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static ModelMethod? Find(string method) => Methods.GetValueOrDefault(method);

    private static async Task<object?> SearchAsync(MethodCall call)
    {
        var a = call.Bind(Required("domain"), Optional("offset", 0), Optional("limit"), Optional("order"), Optional("count", false));
        var domain = Domain.Parse(a[0]);
        if (Values.IsTruthy(a[4]))
        {
            return await Searcher.CountAsync(call.Env, call.Model, domain, call.CancellationToken);
        }

        var ids = await Searcher.SearchAsync(call.Env, call.Model, domain, Offset(a[1]), Limit(a[2]), Order(a[3]), call.CancellationToken);
        return ids.Cast<object?>().ToList();
    }

    private static async Task<object?> SearchCountAsync(MethodCall call)
    {
        var a = call.Bind(Required("domain"), Optional("limit"));
        var count = await Searcher.CountAsync(call.Env, call.Model, Domain.Parse(a[0]), call.CancellationToken);
        return Limit(a[1]) is { } limit ? Math.Min(limit, count) : count;
    }

    private static async Task<object?> ReadAsync(MethodCall call)
    {
        var a = call.Bind(Required("ids"), Optional("fields"), Optional("load", "_classic_read"));
        var rows = await Reader.ReadAsync(call.Env, call.Model, Values.ToIds(a[0]), FieldList(a[1]), call.CancellationToken);
        return rows.Cast<object?>().ToList();
    }

    private static async Task<object?> SearchReadAsync(MethodCall call)
    {
        var a = call.Bind(Optional("domain"), Optional("fields"), Optional("offset", 0), Optional("limit"), Optional("order"));
        var fields = await Reader.ResolveFieldsAsync(call.Env, call.Model, FieldList(a[1]), call.CancellationToken);
        // One statement finds the records and reads their columns; only relational and computed values take more.
        var (ids, rows) = await Searcher.SearchColumnsAsync(call.Env, call.Model, Domain.Parse(a[0]), Offset(a[2]), Limit(a[3]), Order(a[4]),
            fields.Where(f => f.HasColumn).ToList(), call.CancellationToken);
        var records = ids.Count == 0 ? [] : await Reader.ValuesAsync(call.Env, call.Model, ids, fields, rows, call.CancellationToken);
        return records.Cast<object?>().ToList();
    }

    private static async Task<object?> CreateAsync(MethodCall call)
    {
        var a = call.Bind(Required("vals_list"));
        switch (a[0])
        {
            case IDictionary<string, object?> or IReadOnlyDictionary<string, object?>:
                return await Writer.CreateAsync(call.Env, call.Model, Dict(a[0], "create"), call.CancellationToken);
            case IList list when a[0] is not string:
                var ids = new List<object?>();
                foreach (var item in list)
                {
                    ids.Add(await Writer.CreateAsync(call.Env, call.Model, Dict(item, "create"), call.CancellationToken));
                }

                return ids;
            default:
                throw new TypeErrorException("create() takes a dict of values or a list of dicts");
        }
    }

    private static async Task<object?> WriteAsync(MethodCall call)
    {
        var a = call.Bind(Required("ids"), Required("vals"));
        await Writer.WriteAsync(call.Env, call.Model, Values.ToIds(a[0]), Dict(a[1], "write"), call.CancellationToken);
        return true;
    }

    private static async Task<object?> UnlinkAsync(MethodCall call)
    {
        var a = call.Bind(Required("ids"));
        await Writer.UnlinkAsync(call.Env, call.Model, Values.ToIds(a[0]), call.CancellationToken);
        return true;
    }

    private static async Task<object?> FieldsGetAsync(MethodCall call)
    {
        var a = call.Bind(Optional("allfields"), Optional("attributes"));
        var only = FieldList(a[0]);
        var attributes = FieldList(a[1]);
        var env = call.Env;
        if (!env.IsSuperuser)
        {
            await env.Access.CheckAsync(env, call.Model, AccessOperation.Read, call.CancellationToken);
        }

        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var field in call.Model.Fields)
        {
            if (field.SystemOnly || (only is { Count: > 0 } && !only.Contains(field.Name)))
            {
                continue;
            }

            if (!env.IsSuperuser && !await env.Access.CanSeeAsync(env, field, call.CancellationToken))
            {
                continue;
            }

            var description = Describe(field);
            if (attributes is { Count: > 0 })
            {
                description = description.Where(p => attributes.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            }

            result[field.Name] = description;
        }

        return result;
    }

    /// <summary>A field as fields_get describes it.</summary>
    public static Dictionary<string, object?> Describe(Field field)
    {
        var spec = field.Spec;
        var searchable = field.IsStored || field.IsRelated || field.Name == "display_name";
        var d = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["type"] = field.Type.ToString().ToLowerInvariant(),
            ["string"] = field.Label,
            ["help"] = spec.Help ?? (object)false,
            ["required"] = spec.Required,
            ["readonly"] = field.IsReadonly,
            ["store"] = field.IsStored,
            ["searchable"] = searchable,
            ["sortable"] = field.HasColumn,
            ["manual"] = false,
            ["company_dependent"] = false,
            ["translate"] = false,
            ["change_default"] = false,
            ["depends"] = (spec.Depends ?? (field.Related is { } r ? [string.Join('.', r)] : [])).Cast<object?>().ToList(),
        };
        if (field.IsRelational)
        {
            d["relation"] = field.Comodel;
            d["context"] = new Dictionary<string, object?>(StringComparer.Ordinal);
            d["domain"] = new List<object?>();
        }

        if (field.Type == FieldType.One2many)
        {
            d["relation_field"] = spec.InverseName;
        }

        if (field.Type == FieldType.Many2one)
        {
            d["ondelete"] = spec.OnDelete;
        }

        if (field.Type == FieldType.Selection && spec.Selection is { } options)
        {
            d["selection"] = options.Select(o => (object?)new List<object?> { o.Value, o.Label }).ToList();
        }

        if (spec.Size is { } size)
        {
            d["size"] = size;
        }

        if (spec.Related is { } related)
        {
            d["related"] = related;
        }

        if (spec.Groups is { Count: > 0 } groups)
        {
            d["groups"] = string.Join(",", groups);
        }

        if (field.Type == FieldType.Monetary && spec.CurrencyField is { } currency)
        {
            d["currency_field"] = currency;
        }

        return d;
    }

    private static async Task<object?> NameGetAsync(MethodCall call)
    {
        var a = call.Bind(Required("ids"));
        var ids = Values.ToIds(a[0]).Distinct().ToList();
        await Reader.CheckRecordsAsync(call.Env, call.Model, ids, AccessOperation.Read, call.CancellationToken);
        var names = await Reader.DefaultNamesAsync(call.Env, call.Model, ids, call.CancellationToken);
        var missing = ids.Where(id => !names.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            throw MissingErrorException.For(call.Model.Name, missing);
        }

        return ids.Select(id => (object?)new List<object?> { id, names[id] }).ToList();
    }

    private static async Task<object?> NameSearchAsync(MethodCall call)
    {
        var a = call.Bind(Optional("name", ""), Optional("args"), Optional("operator", "ilike"), Optional("limit", 100));
        var name = a[0] switch
        {
            null or false => "",
            string s => s,
            _ => throw new TypeErrorException("name_search() argument 'name' must be a string"),
        };
        var op = a[2] as string ?? "ilike";
        var domain = Domain.Parse(a[1]);
        if (name.Length > 0 || op is not ("ilike" or "like" or "=like" or "=ilike"))
        {
            if (call.Model.RecName is null)
            {
                throw new ValueErrorException($"Model '{call.Model.Name}' has no name field to search");
            }

            domain = Domain.And(domain, Domain.Parse(new List<object?> { new List<object?> { call.Model.RecName, op, name } }));
        }

        var ids = await Searcher.SearchAsync(call.Env, call.Model, domain, 0, Limit(a[3]), null, call.CancellationToken);
        var names = await Reader.DisplayNamesAsync(call.Env, call.Model, ids, call.CancellationToken);
        return ids.Select(id => (object?)new List<object?> { id, names.GetValueOrDefault(id) ?? "" }).ToList();
    }

    private static async Task<object?> NameCreateAsync(MethodCall call)
    {
        var a = call.Bind(Required("name"));
        if (call.Model.RecName is null)
        {
            throw new UserErrorException($"Cannot create a {call.Model.Description} with only a name: the model has no name field.");
        }

        var created = await call.Env.CallAsync(call.Model.Name, "create", [new Dictionary<string, object?> { [call.Model.RecName] = a[0] }], null, call.CancellationToken);
        var id = Values.ToIds(created)[0];
        var names = await Reader.DisplayNamesAsync(call.Env, call.Model, [id], call.CancellationToken);
        return new List<object?> { id, names.GetValueOrDefault(id) ?? "" };
    }

    private static async Task<object?> DefaultGetAsync(MethodCall call)
    {
        var a = call.Bind(Required("fields_list"));
        return await Writer.DefaultsAsync(call.Env, call.Model, FieldList(a[0]), call.CancellationToken);
    }

    private static async Task<object?> ExistsAsync(MethodCall call)
    {
        var a = call.Bind(Required("ids"));
        var ids = Values.ToIds(a[0]);
        var existing = await Reader.ReadColumnsAsync(call.Env, call.Model, ids, [], call.CancellationToken);
        return ids.Where(existing.ContainsKey).Distinct().Cast<object?>().ToList();
    }

    private static async Task<object?> CopyAsync(MethodCall call)
    {
        var a = call.Bind(Required("id"), Optional("default"));
        var ids = Values.ToIds(a[0]);
        if (ids.Count != 1)
        {
            throw new ValueErrorException($"copy() copies one record at a time, not {ids.Count}");
        }

        var model = call.Model;
        var copyable = model.Fields.Where(f => !f.IsMagic && !f.SystemOnly && (f.HasColumn || f.IsAttachment || (f.Type == FieldType.Many2many && f.IsStored)))
            .Select(f => f.Name).ToList();
        var rows = await Reader.ReadAsync(call.Env, model, ids, copyable, call.CancellationToken);
        var vals = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var field in copyable.Select(model.GetField))
        {
            var value = rows[0][field.Name];
            vals[field.Name] = field.Type switch
            {
                FieldType.Many2one => value is IList { Count: 2 } pair ? pair[0] : false,
                FieldType.Many2many => new List<object?> { new List<object?> { 6, 0, value } },
                _ => value,
            };
            if (field.Spec.Unique && field.Type == FieldType.Char && value is string text)
            {
                vals[field.Name] = text + " (copy)";
            }
        }

        if (a[1] is not null and not false)
        {
            foreach (var (key, value) in Dict(a[1], "copy"))
            {
                vals[key] = value;
            }
        }

        return await call.Env.CallAsync(model.Name, "create", [vals], null, call.CancellationToken);
    }

    private static async Task<object?> CheckAccessRightsAsync(MethodCall call)
    {
        var a = call.Bind(Required("operation"), Optional("raise_exception", true));
        var operation = AccessOperations.Parse(a[0] as string)
            ?? throw new ValueErrorException($"Invalid access mode {Domain.Describe(a[0])} (use read, write, create or unlink)");
        var env = call.Env;
        if (env.IsSuperuser || await env.Access.AllowsAsync(env, call.Model.Name, operation, call.CancellationToken))
        {
            return true;
        }

        if (Values.IsTruthy(a[1]))
        {
            await env.Access.CheckAsync(env, call.Model, operation, call.CancellationToken);
        }

        return false;
    }

    private static async Task<object?> CheckAccessRuleAsync(MethodCall call)
    {
        var a = call.Bind(Required("ids"), Required("operation"));
        var operation = AccessOperations.Parse(a[1] as string)
            ?? throw new ValueErrorException($"Invalid access mode {Domain.Describe(a[1])} (use read, write, create or unlink)");
        await Reader.CheckRecordsAsync(call.Env, call.Model, Values.ToIds(a[0]), operation, call.CancellationToken);
        return null;
    }

    internal static int Offset(object? value) => value switch
    {
        null or false => 0,
        int i when i >= 0 => i,
        long l when l is >= 0 and <= int.MaxValue => (int)l,
        _ => throw new ValueErrorException($"Invalid offset {Domain.Describe(value)}: expected a non-negative integer"),
    };

    internal static int? Limit(object? value) => value switch
    {
        null or false or 0 => null,
        int i when i > 0 => i,
        long l when l is > 0 and <= int.MaxValue => (int)l,
        _ => throw new ValueErrorException($"Invalid limit {Domain.Describe(value)}: expected a positive integer"),
    };

    internal static string? Order(object? value) => value switch
    {
        null or false => null,
        string s => s,
        _ => throw new ValueErrorException($"Invalid order {Domain.Describe(value)}: expected a string such as \"name desc, id\""),
    };

    internal static List<string>? FieldList(object? value)
    {
        switch (value)
        {
            case null or false:
                return null;
            case string s:
                return [s];
            case IEnumerable list:
                var names = new List<string>();
                foreach (var item in list)
                {
                    names.Add(item as string ?? throw new ValueErrorException($"Invalid field name {Domain.Describe(item)}: expected a string"));
                }

                return names;
            default:
                throw new ValueErrorException($"Invalid field list {Domain.Describe(value)}: expected a list of field names");
        }
    }

    internal static IReadOnlyDictionary<string, object?> Dict(object? value, string method) => value switch
    {
        IReadOnlyDictionary<string, object?> d => d,
        IDictionary<string, object?> d => new Dictionary<string, object?>(d, StringComparer.Ordinal),
        _ => throw new TypeErrorException($"{method}() expects a dict of field values, not {Domain.Describe(value)}"),
    };

    internal static int ToInt(object? value) => Convert.ToInt32(value, CultureInfo.InvariantCulture);
}
