using System.Collections;
using System.Globalization;
using SaasPortal.Orm.Access;
using SaasPortal.Orm.Domains;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Methods;
using SaasPortal.Orm.Registry;
using SaasPortal.Orm.Schema;
using SaasPortal.Orm.Sql;
using static SaasPortal.Orm.Methods.Parameter;

namespace SaasPortal.Orm.Records;

/// <summary>
/// read_group(domain, fields, groupby, offset, limit, orderby, lazy): one GROUP BY query with counts and
/// aggregates (sum by default for numbers; <c>field:agg</c> for avg, min, max, count), dates grouped by day, week,
/// month (default), quarter or year, many2ones as [id, name], and each group's <c>__domain</c>.
/// </summary>
internal static class ReadGroup
{
    private static readonly HashSet<string> Units = new(["day", "week", "month", "quarter", "year"], StringComparer.Ordinal);
    private static readonly HashSet<string> Aggregates = new(["sum", "avg", "min", "max", "count", "count_distinct", "bool_and", "bool_or"], StringComparer.Ordinal);

    private sealed record GroupSpec(string Key, Field Field, string? Unit);

    private sealed record AggregateSpec(string Key, Field Field, string Function);

    public static async Task<object?> RunAsync(MethodCall call)
    {
        var a = call.Bind(Required("domain"), Required("fields"), Required("groupby"), Optional("offset", 0), Optional("limit"), Optional("orderby"), Optional("lazy", true));
        var env = call.Env;
        var model = call.Model;
        var domain = Domain.Parse(a[0]);
        var lazy = Values.IsTruthy(a[6]);
        var groupbyNames = a[2] switch
        {
            string s => [s],
            null or false => [],
            IEnumerable list => list.Cast<object?>().Select(v => v as string ?? throw new ValueErrorException($"Invalid groupby {Domain.Describe(v)}")).ToList(),
            _ => throw new ValueErrorException($"Invalid groupby {Domain.Describe(a[2])}"),
        };
        var allGroups = groupbyNames.Select(g => ParseGroup(model, g)).ToList();
        var groups = lazy && allGroups.Count > 1 ? allGroups.Take(1).ToList() : allGroups;
        var aggregates = ParseAggregates(model, BuiltinMethods.FieldList(a[1]) ?? [], groups);

        var sql = new SqlBuilder(env.Transaction.Dialect);
        var compiler = new DomainCompiler(env.Registry, sql);
        var dialect = sql.Dialect;
        var expressions = groups.Select(g => g.Unit is null
            ? dialect.Quote("t") + "." + dialect.Quote(g.Field.Name)
            : dialect.DateTrunc(g.Unit, dialect.Quote("t") + "." + dialect.Quote(g.Field.Name))).ToList();
        sql.Append("SELECT ");
        foreach (var expression in expressions)
        {
            sql.Append(expression).Append(", ");
        }

        sql.Append("COUNT(*)");
        foreach (var aggregate in aggregates)
        {
            var column = dialect.Quote("t") + "." + dialect.Quote(aggregate.Field.Name);
            sql.Append(", ").Append(aggregate.Function switch
            {
                "count" => $"COUNT({column})",
                "count_distinct" => $"COUNT(DISTINCT {column})",
                "bool_and" => $"MIN({column})",
                "bool_or" => $"MAX({column})",
                var f => $"{f.ToUpperInvariant()}({column})",
            });
        }

        sql.Append(" FROM ").Identifier(model.Table).Append(" \"t\" WHERE ");
        await Searcher.AppendConditionAsync(env, model, domain, compiler, AccessOperation.Read, call.CancellationToken);
        if (expressions.Count > 0)
        {
            sql.Append(" GROUP BY ").Append(string.Join(", ", expressions));
            sql.Append(" ORDER BY ");
            AppendOrder(env, model, groups, aggregates, expressions, BuiltinMethods.Order(a[5]), compiler);
        }

        sql.Append(dialect.LimitOffset(BuiltinMethods.Limit(a[4]), BuiltinMethods.Offset(a[3])));
        var rows = await env.Transaction.RowsAsync(sql, call.CancellationToken);

        // Display names of many2one groups, one query per comodel.
        var names = new Dictionary<int, Dictionary<int, string>>();
        for (var g = 0; g < groups.Count; g++)
        {
            if (groups[g].Field.Type == FieldType.Many2one)
            {
                var ids = rows.Where(r => r[g] is not null).Select(r => Convert.ToInt32(r[g], CultureInfo.InvariantCulture)).Distinct().ToList();
                names[g] = await Reader.DisplayNamesAsync(env.Sudo(), env.Registry[groups[g].Field.Comodel!], ids, call.CancellationToken);
            }
        }

        var result = new List<object?>();
        var countKey = lazy && groups.Count == 1 ? groups[0].Key + "_count" : "__count";
        foreach (var row in rows)
        {
            var item = new Dictionary<string, object?>(StringComparer.Ordinal);
            var groupDomain = new List<object?>();
            for (var g = 0; g < groups.Count; g++)
            {
                var spec = groups[g];
                var raw = row[g];
                item[spec.Key] = GroupValue(spec, raw, names.GetValueOrDefault(g));
                groupDomain.AddRange(GroupDomain(spec, raw));
            }

            item[countKey] = Convert.ToInt32(row[groups.Count], CultureInfo.InvariantCulture);
            for (var i = 0; i < aggregates.Count; i++)
            {
                var aggregate = aggregates[i];
                var raw = row[groups.Count + 1 + i];
                item[aggregate.Key] = AggregateValue(aggregate, raw);
            }

            item["__domain"] = DomainList(a[0]).Concat(groupDomain).ToList();
            if (lazy && allGroups.Count > 1)
            {
                item["__context"] = new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["group_by"] = groupbyNames.Skip(1).Cast<object?>().ToList(),
                };
            }

            result.Add(item);
        }

        return result;
    }

    private static object AggregateValue(AggregateSpec aggregate, object? raw)
    {
        switch (aggregate.Function)
        {
            case "count" or "count_distinct":
                return Convert.ToInt32(raw ?? 0, CultureInfo.InvariantCulture);
            case "bool_and" or "bool_or":
                return raw is bool b ? b : raw is not null && Convert.ToInt64(raw, CultureInfo.InvariantCulture) != 0;
        }

        if (aggregate.Field.Type == FieldType.Integer && aggregate.Function != "avg")
        {
            var total = raw is null ? 0L : Convert.ToInt64(raw, CultureInfo.InvariantCulture);
            return total is >= int.MinValue and <= int.MaxValue ? (object)(int)total : total;
        }

        return raw is null ? 0.0 : Convert.ToDouble(raw, CultureInfo.InvariantCulture);
    }

    private static GroupSpec ParseGroup(Model model, string text)
    {
        var parts = text.Split(':');
        var field = model.GetField(parts[0].Trim());
        if (!field.HasColumn)
        {
            throw new ValueErrorException($"Cannot group {model.Name} by '{field.Name}': it is not stored");
        }

        string? unit = null;
        if (field.Type is FieldType.Date or FieldType.Datetime)
        {
            unit = parts.Length > 1 ? parts[1].Trim() : "month";
            if (!Units.Contains(unit))
            {
                throw new ValueErrorException($"Invalid date grouping '{text}' (use day, week, month, quarter or year)");
            }
        }
        else if (parts.Length > 1)
        {
            throw new ValueErrorException($"Invalid groupby '{text}': only date fields take a granularity");
        }

        return new GroupSpec(text, field, unit);
    }

    private static List<AggregateSpec> ParseAggregates(Model model, List<string> fields, List<GroupSpec> groups)
    {
        var result = new List<AggregateSpec>();
        foreach (var text in fields)
        {
            var parts = text.Split(':');
            var name = parts[0].Trim();
            if (name is "__count" || groups.Any(g => g.Field.Name == name || g.Key == text))
            {
                continue;
            }

            var field = model.GetField(name);
            string function;
            if (parts.Length > 1)
            {
                function = parts[1].Trim();
                if (!Aggregates.Contains(function))
                {
                    throw new ValueErrorException($"Invalid aggregate '{text}' (use {string.Join(", ", Aggregates.Order(StringComparer.Ordinal))})");
                }
            }
            else if (field.Type is FieldType.Integer or FieldType.Float or FieldType.Monetary && field.Name != "id")
            {
                function = "sum";
            }
            else
            {
                // Odoo ignores fields without a default aggregate.
                continue;
            }

            if (!field.HasColumn)
            {
                throw new ValueErrorException($"Cannot aggregate {model.Name}.{field.Name}: it is not stored");
            }

            if (function is "sum" or "avg" && field.Type is not (FieldType.Integer or FieldType.Float or FieldType.Monetary))
            {
                throw new ValueErrorException($"Cannot {function} {model.Name}.{field.Name}: it is not a number");
            }

            result.Add(new AggregateSpec(name, field, function));
        }

        return result;
    }

    private static void AppendOrder(OrmEnvironment env, Model model, List<GroupSpec> groups, List<AggregateSpec> aggregates, List<string> expressions,
        string? orderby, DomainCompiler compiler)
    {
        var sql = compiler.Sql;
        var parts = new List<string>();
        if (!string.IsNullOrWhiteSpace(orderby))
        {
            foreach (var raw in orderby.Split(','))
            {
                var words = raw.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (words.Length is 0 or > 2 || (words.Length == 2 && words[1].ToLowerInvariant() is not ("asc" or "desc")))
                {
                    throw new ValueErrorException($"Invalid read_group order \"{orderby}\"");
                }

                var descending = words.Length == 2 && words[1].Equals("desc", StringComparison.OrdinalIgnoreCase);
                var direction = descending ? " DESC NULLS FIRST" : " ASC NULLS LAST";
                var index = groups.FindIndex(g => g.Key == words[0] || g.Field.Name == words[0]);
                if (index >= 0)
                {
                    parts.Add(expressions[index] + direction);
                }
                else if (words[0] == "__count")
                {
                    parts.Add("COUNT(*)" + direction);
                }
                else if (aggregates.FindIndex(x => x.Key == words[0]) is var aggregate and >= 0)
                {
                    parts.Add($"{aggregates[aggregate].Function.ToUpperInvariant()}({sql.Dialect.Quote("t")}.{sql.Dialect.Quote(aggregates[aggregate].Field.Name)})" + direction);
                }
                else
                {
                    throw new ValueErrorException($"Invalid read_group order field '{words[0]}': order by a groupby field or an aggregate");
                }
            }
        }
        else
        {
            for (var i = 0; i < groups.Count; i++)
            {
                if (groups[i].Field.Type == FieldType.Many2one && groups[i].Unit is null)
                {
                    foreach (var (expression, descending) in Searcher.OrderExpressions(env.Registry, model, "t", new OrderTerm(groups[i].Field.Name, false), compiler))
                    {
                        parts.Add(expression + (descending ? " DESC NULLS FIRST" : " ASC NULLS LAST"));
                    }
                }
                else
                {
                    parts.Add(expressions[i] + " ASC NULLS LAST");
                }
            }
        }

        sql.Append(string.Join(", ", parts));
    }

    private static object GroupValue(GroupSpec spec, object? raw, Dictionary<int, string>? names)
    {
        if (raw is null)
        {
            return false;
        }

        if (spec.Field.Type == FieldType.Many2one)
        {
            var id = Convert.ToInt32(raw, CultureInfo.InvariantCulture);
            return new List<object?> { id, names?.GetValueOrDefault(id) ?? "" };
        }

        if (spec.Unit is { } unit)
        {
            var start = DateOnly.ParseExact(Convert.ToString(raw, CultureInfo.InvariantCulture)![..10], Values.DateFormat, CultureInfo.InvariantCulture);
            return unit switch
            {
                "day" => start.ToString("dd MMM yyyy", CultureInfo.InvariantCulture),
                "week" => $"W{ISOWeek.GetWeekOfYear(start.ToDateTime(TimeOnly.MinValue)):00} {ISOWeek.GetYear(start.ToDateTime(TimeOnly.MinValue))}",
                "quarter" => $"Q{((start.Month - 1) / 3) + 1} {start.Year}",
                "year" => start.Year.ToString(CultureInfo.InvariantCulture),
                _ => start.ToString("MMMM yyyy", CultureInfo.InvariantCulture),
            };
        }

        return Values.FromColumn(spec.Field, raw);
    }

    private static IEnumerable<object?> GroupDomain(GroupSpec spec, object? raw)
    {
        var name = spec.Field.Name;
        if (raw is null)
        {
            return [new List<object?> { name, "=", false }];
        }

        if (spec.Unit is { } unit)
        {
            var start = DateOnly.ParseExact(Convert.ToString(raw, CultureInfo.InvariantCulture)![..10], Values.DateFormat, CultureInfo.InvariantCulture);
            var end = unit switch
            {
                "day" => start.AddDays(1),
                "week" => start.AddDays(7),
                "quarter" => start.AddMonths(3),
                "year" => start.AddYears(1),
                _ => start.AddMonths(1),
            };
            var format = spec.Field.Type == FieldType.Datetime ? "yyyy-MM-dd 00:00:00" : Values.DateFormat;
            return
            [
                "&",
                new List<object?> { name, ">=", start.ToString(format, CultureInfo.InvariantCulture) },
                new List<object?> { name, "<", end.ToString(format, CultureInfo.InvariantCulture) },
            ];
        }

        return [new List<object?> { name, "=", Values.FromColumn(spec.Field, raw) }];
    }

    private static List<object?> DomainList(object? domain) => domain is IEnumerable list and not string ? list.Cast<object?>().ToList() : [];
}
