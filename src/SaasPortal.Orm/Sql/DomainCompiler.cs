using System.Collections;
using System.Globalization;
using SaasPortal.Orm.Domains;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Records;
using SaasPortal.Orm.Registry;
using SaasPortal.Orm.Schema;

namespace SaasPortal.Orm.Sql;

/// <summary>
/// Compiles domains into SQL conditions with Odoo's semantics: negations pushed down to the terms, False meaning
/// NULL (and also false for booleans), negative operators matching records without a value, dotted paths through
/// many2one (subquery on the comodel) and x2many fields (subquery on the inverse or the relation table), names
/// searched on the comodel's display field, and child_of/parent_of through a recursive query. Every field name is
/// checked against the model; every value is a bound parameter.
/// </summary>
internal sealed class DomainCompiler(ModelRegistry registry, SqlBuilder sql)
{
    /// <summary>Longest like/ilike pattern in bytes: SQLite's SQLITE_MAX_LIKE_PATTERN_LENGTH.</summary>
    private const int MaxLikePatternBytes = 50_000;

    private static readonly Dictionary<string, string> Negations = new(StringComparer.Ordinal)
    {
        ["<"] = ">=", [">"] = "<=", ["<="] = ">", [">="] = "<", ["="] = "!=", ["!="] = "=",
        ["in"] = "not in", ["not in"] = "in", ["like"] = "not like", ["not like"] = "like", ["ilike"] = "not ilike", ["not ilike"] = "ilike",
    };

    private int _aliases;

    public SqlBuilder Sql => sql;

    public string NewAlias() => "t" + (++_aliases).ToString(CultureInfo.InvariantCulture);

    /// <summary>Appends the condition of <paramref name="domain"/> on rows of <paramref name="model"/> aliased <paramref name="alias"/>.</summary>
    public void Compile(Model model, string alias, Domain domain) => Emit(model, alias, DistributeNot(domain, negate: false));

    /// <summary>Pushes NOT down to the terms, negating their operators as Odoo's distribute_not does.</summary>
    private static Domain DistributeNot(Domain domain, bool negate) => domain switch
    {
        NotDomain n => DistributeNot(n.Inner, !negate),
        AndDomain a => negate
            ? new OrDomain(DistributeNot(a.Left, true), DistributeNot(a.Right, true))
            : new AndDomain(DistributeNot(a.Left, false), DistributeNot(a.Right, false)),
        OrDomain o => negate
            ? new AndDomain(DistributeNot(o.Left, true), DistributeNot(o.Right, true))
            : new OrDomain(DistributeNot(o.Left, false), DistributeNot(o.Right, false)),
        ConstantDomain c => negate ? new ConstantDomain(!c.Value) : c,
        LeafDomain leaf when negate => Negations.TryGetValue(leaf.Operator, out var negated)
            ? leaf with { Operator = negated }
            : new NotDomain(leaf),
        _ => domain,
    };

    private void Emit(Model model, string alias, Domain domain)
    {
        switch (domain)
        {
            case ConstantDomain c:
                sql.Append(c.Value ? "1 = 1" : "1 = 0");
                break;
            case AndDomain a:
                sql.Append("(");
                Emit(model, alias, a.Left);
                sql.Append(" AND ");
                Emit(model, alias, a.Right);
                sql.Append(")");
                break;
            case OrDomain o:
                sql.Append("(");
                Emit(model, alias, o.Left);
                sql.Append(" OR ");
                Emit(model, alias, o.Right);
                sql.Append(")");
                break;
            case NotDomain n:
                sql.Append("(NOT ");
                Emit(model, alias, n.Inner);
                sql.Append(")");
                break;
            case LeafDomain leaf:
                EmitLeaf(model, alias, leaf);
                break;
        }
    }

    private void EmitLeaf(Model model, string alias, LeafDomain leaf)
    {
        var dot = leaf.Path.IndexOf('.', StringComparison.Ordinal);
        var name = dot < 0 ? leaf.Path : leaf.Path[..dot];
        var rest = dot < 0 ? null : leaf.Path[(dot + 1)..];
        var field = model.FindField(name);
        if (field is null || field.SystemOnly)
        {
            throw new ValueErrorException($"Invalid field '{name}' on model '{model.Name}' in domain term {leaf}");
        }

        if (field.IsRelated && !field.IsStored)
        {
            var path = string.Join('.', field.Related!) + (rest is null ? "" : "." + rest);
            EmitLeaf(model, alias, leaf with { Path = path });
            return;
        }

        if (field.Name == "display_name" && rest is null)
        {
            if (model.RecName is null)
            {
                throw new ValueErrorException($"Model '{model.Name}' has no name field to search display_name on, in domain term {leaf}");
            }

            EmitLeaf(model, alias, leaf with { Path = model.RecName });
            return;
        }

        if (!field.IsStored)
        {
            throw new ValueErrorException($"Field '{model.Name}.{field.Name}' is not stored and cannot be searched, in domain term {leaf}");
        }

        if (rest is not null)
        {
            EmitPath(model, alias, field, leaf with { Path = rest }, leaf);
            return;
        }

        switch (field.Type)
        {
            case FieldType.One2many or FieldType.Many2many:
                EmitX2Many(model, alias, field, leaf);
                break;
            case FieldType.Many2one:
                EmitMany2one(model, alias, field, leaf);
                break;
            case FieldType.Binary:
                throw new ValueErrorException($"Binary field '{model.Name}.{field.Name}' cannot be searched, in domain term {leaf}");
            default:
                if (field.Name == "id" && leaf.Operator is "child_of" or "parent_of")
                {
                    EmitHierarchyMembership(model, alias, "id", model, model.ParentName, leaf);
                    return;
                }

                EmitScalar(alias, field, leaf);
                break;
        }
    }

    /// <summary>A dotted path: the rest of the term applies to the comodel's records.</summary>
    private void EmitPath(Model model, string alias, Field field, LeafDomain inner, LeafDomain original)
    {
        if (!field.IsRelational)
        {
            throw new ValueErrorException($"Invalid path in domain term {original}: '{field.Name}' of '{model.Name}' is not a relational field");
        }

        var comodel = registry[field.Comodel!];
        var sub = NewAlias();
        if (field.Type == FieldType.Many2one)
        {
            sql.Column(alias, field.Name).Append(" IN (SELECT ").Column(sub, "id").Append(" FROM ").Identifier(comodel.Table).Append(" ").Identifier(sub).Append(" WHERE ");
            Emit(comodel, sub, DistributeNot(inner, negate: false));
            sql.Append(")");
            return;
        }

        // On x2many paths a negative term means "no related record matches the positive term".
        var negative = LeafDomain.Negative.Contains(inner.Operator);
        var positive = negative ? inner with { Operator = LeafDomain.Positive(inner.Operator) } : inner;
        sql.Column(alias, "id").Append(negative ? " NOT IN (" : " IN (");
        EmitX2ManyOwners(field, comodel, sub, () => Emit(comodel, sub, DistributeNot(positive, negate: false)));
        sql.Append(")");
    }

    /// <summary>Appends a SELECT of the ids of this model's records linked (through the x2many) to comodel rows matching the condition.</summary>
    private void EmitX2ManyOwners(Field field, Model comodel, string sub, Action condition)
    {
        if (field.Type == FieldType.One2many)
        {
            var inverse = field.Spec.InverseName!;
            sql.Append("SELECT ").Column(sub, inverse).Append(" FROM ").Identifier(comodel.Table).Append(" ").Identifier(sub)
                .Append(" WHERE ").Column(sub, inverse).Append(" IS NOT NULL AND ");
            condition();
        }
        else
        {
            var relation = field.Relation!;
            var rel = NewAlias();
            sql.Append("SELECT ").Column(rel, relation.Column1).Append(" FROM ").Identifier(relation.Table).Append(" ").Identifier(rel)
                .Append(" JOIN ").Identifier(comodel.Table).Append(" ").Identifier(sub).Append(" ON ").Column(sub, "id").Append(" = ").Column(rel, relation.Column2)
                .Append(" WHERE ");
            condition();
        }
    }

    private void EmitX2Many(Model model, string alias, Field field, LeafDomain leaf)
    {
        var comodel = registry[field.Comodel!];
        var op = leaf.Operator;
        var value = leaf.Value;
        if (op is "child_of" or "parent_of")
        {
            var sub = NewAlias();
            sql.Column(alias, "id").Append(" IN (");
            EmitX2ManyOwners(field, comodel, sub, () => EmitHierarchyMembership(comodel, sub, "id", comodel, comodel.ParentName, leaf));
            sql.Append(")");
            return;
        }

        if (op is "=" or "!=" && value is null or false)
        {
            // (x2many, '=', False): no linked record at all.
            var sub = NewAlias();
            sql.Column(alias, "id").Append(op == "=" ? " NOT IN (" : " IN (");
            EmitX2ManyOwners(field, comodel, sub, () => sql.Append("1 = 1"));
            sql.Append(")");
            return;
        }

        var negative = LeafDomain.Negative.Contains(op);
        var positive = LeafDomain.Positive(op);
        var list = AsList(value);
        if (list is not null && list.Count == 0 && op is "in" or "not in" or "=" or "!=")
        {
            sql.Append(negative ? "1 = 1" : "1 = 0");
            return;
        }

        var byName = value is string || (list is not null && list.Count > 0 && list.All(v => v is string));
        if (!byName && positive is not ("=" or "in"))
        {
            throw new ValueErrorException($"Invalid operator '{op}' for {field.Type.ToString().ToLowerInvariant()} field '{model.Name}.{field.Name}' in domain term {leaf}");
        }

        var target = NewAlias();
        sql.Column(alias, "id").Append(negative ? " NOT IN (" : " IN (");
        EmitX2ManyOwners(field, comodel, target, () =>
        {
            if (byName)
            {
                EmitNameMatch(comodel, target, positive, value, leaf);
            }
            else
            {
                EmitIdList(target, "id", list ?? [value], leaf);
            }
        });
        sql.Append(")");
    }

    private void EmitMany2one(Model model, string alias, Field field, LeafDomain leaf)
    {
        var comodel = registry[field.Comodel!];
        var op = leaf.Operator;
        if (op is "child_of" or "parent_of")
        {
            if (comodel == model)
            {
                EmitHierarchyMembership(model, alias, "id", model, field.Name, leaf);
            }
            else
            {
                EmitHierarchyMembership(model, alias, field.Name, comodel, comodel.ParentName, leaf);
            }

            return;
        }

        var list = AsList(leaf.Value);
        var byName = leaf.Value is string || (list is not null && list.Count > 0 && list.All(v => v is string));
        if (!byName)
        {
            EmitScalar(alias, field, leaf);
            return;
        }

        var negative = LeafDomain.Negative.Contains(op);
        var positive = LeafDomain.Positive(op);
        var sub = NewAlias();
        if (negative)
        {
            sql.Append("(").Column(alias, field.Name).Append(" IS NULL OR ").Column(alias, field.Name).Append(" NOT IN (");
        }
        else
        {
            sql.Column(alias, field.Name).Append(" IN (");
        }

        sql.Append("SELECT ").Column(sub, "id").Append(" FROM ").Identifier(comodel.Table).Append(" ").Identifier(sub).Append(" WHERE ");
        EmitNameMatch(comodel, sub, positive, leaf.Value, leaf);
        sql.Append(negative ? "))" : ")");
    }

    /// <summary>Rows of <paramref name="model"/> whose display field matches (a name search).</summary>
    private void EmitNameMatch(Model model, string alias, string op, object? value, LeafDomain original)
    {
        if (model.RecName is null)
        {
            throw new ValueErrorException($"Model '{model.Name}' has no name field to search by name, in domain term {original}");
        }

        var nameOp = op switch
        {
            "=" when value is IList => "in",
            _ => op,
        };
        Emit(model, alias, new LeafDomain(model.RecName, nameOp, value));
    }

    /// <summary><c>alias.column IN (ids of the hierarchy below/above the given records)</c>.</summary>
    private void EmitHierarchyMembership(Model model, string alias, string column, Model hierarchy, string? parentField, LeafDomain leaf)
    {
        if (parentField is null)
        {
            throw new ValueErrorException($"Model '{hierarchy.Name}' is not hierarchical (no parent field), in domain term {leaf}");
        }

        var parent = sql.Dialect.Quote(parentField);
        var table = sql.Dialect.Quote(hierarchy.Table);
        var list = AsList(leaf.Value) ?? (leaf.Value is null or false ? [] : [leaf.Value]);
        if (list.Count == 0)
        {
            sql.Append("1 = 0");
            return;
        }

        var start = NewAlias();
        sql.Column(alias, column).Append(" IN (WITH RECURSIVE h(id) AS (SELECT ").Column(start, "id").Append(" FROM ").Append(table).Append(" ").Identifier(start).Append(" WHERE ");
        if (list.All(v => v is string))
        {
            EmitNameMatch(hierarchy, start, "ilike", list.Count == 1 ? list[0] : list, leaf);
        }
        else
        {
            EmitIdList(start, "id", list, leaf);
        }

        if (leaf.Operator == "child_of")
        {
            sql.Append($" UNION SELECT c.\"id\" FROM {table} c JOIN h ON c.{parent} = h.id");
        }
        else
        {
            sql.Append($" UNION SELECT p.{parent} FROM {table} p JOIN h ON p.\"id\" = h.id WHERE p.{parent} IS NOT NULL");
        }

        sql.Append(") SELECT id FROM h)");
    }

    private void EmitIdList(string alias, string column, List<object?> values, LeafDomain leaf)
    {
        var ids = new List<int>();
        foreach (var item in values)
        {
            if (!Values.TryGetId(item, out var id))
            {
                throw new ValueErrorException($"Invalid value {Domain.Describe(item)} in domain term {leaf}: expected record ids");
            }

            ids.Add(id);
        }

        if (ids.Count == 0)
        {
            sql.Append("1 = 0");
            return;
        }

        sql.InList(sql.Dialect.Quote(alias) + "." + sql.Dialect.Quote(column), ids.Cast<object>().ToList());
    }

    private void EmitScalar(string alias, Field field, LeafDomain leaf)
    {
        var op = leaf.Operator;
        var value = leaf.Value;
        var column = sql.Dialect.Quote(alias) + "." + sql.Dialect.Quote(field.Name);
        if (op == "=?")
        {
            if (value is null or false)
            {
                sql.Append("1 = 1");
                return;
            }

            op = "=";
        }

        if (op is "child_of" or "parent_of")
        {
            throw new ValueErrorException($"Operator '{op}' needs a relational field or id, in domain term {leaf}");
        }

        var list = AsList(value);
        if (list is not null && op is "=" or "!=")
        {
            op = op == "=" ? "in" : "not in";
        }

        if (op is "in" or "not in")
        {
            EmitIn(alias, column, field, op, value, list, leaf);
            return;
        }

        if (list is not null)
        {
            throw new ValueErrorException($"Operator '{op}' does not take a list, in domain term {leaf}");
        }

        if (value is null or false && op is "=" or "!=")
        {
            if (field.Type == FieldType.Boolean)
            {
                sql.Append(op == "=" ? $"({column} IS NULL OR {column} = " : $"({column} IS NOT NULL AND {column} <> ")
                    .Value(false).Append(")");
            }
            else
            {
                sql.Append(column).Append(op == "=" ? " IS NULL" : " IS NOT NULL");
            }

            return;
        }

        switch (op)
        {
            case "like" or "ilike" or "not like" or "not ilike" or "=like" or "=ilike":
                EmitLike(column, field, op, value, leaf);
                return;
            case "=" or "!=" or "<" or ">" or "<=" or ">=":
                if (value is null or false)
                {
                    // Comparing with nothing matches nothing, as SQL's NULL comparison does.
                    sql.Append("1 = 0");
                    return;
                }

                var bound = ComparisonValue(field, op, value, leaf);
                var sqlOp = op == "!=" ? "<>" : op;
                if (op == "!=")
                {
                    sql.Append($"({column} <> ").Value(bound).Append($" OR {column} IS NULL)");
                }
                else
                {
                    sql.Append($"{column} {sqlOp} ").Value(bound);
                }

                return;
            default:
                throw new ValueErrorException($"Invalid operator '{op}' in domain term {leaf}");
        }
    }

    private void EmitIn(string alias, string column, Field field, string op, object? value, List<object?>? list, LeafDomain leaf)
    {
        if (value is bool && list is null)
        {
            // (f, 'in', True/False) is an abuse Odoo reads as '=' (and 'not in' as '!=').
            EmitScalar(alias, field, leaf with { Operator = op == "in" ? "=" : "!=" });
            return;
        }

        var items = list ?? [value];
        var checkNulls = false;
        var bound = new List<object>();
        foreach (var item in items)
        {
            if (item is null or false && field.Type != FieldType.Boolean)
            {
                checkNulls = true;
                continue;
            }

            bound.Add(ComparisonValue(field, "=", item, leaf));
        }

        if (bound.Count == 0)
        {
            sql.Append(op == "in" ? (checkNulls ? $"{column} IS NULL" : "1 = 0") : (checkNulls ? $"{column} IS NOT NULL" : "1 = 1"));
            return;
        }

        sql.Append("(").InList(column, bound, negate: op != "in");
        if (op == "in" && checkNulls)
        {
            sql.Append($" OR {column} IS NULL");
        }
        else if (op == "not in" && !checkNulls)
        {
            sql.Append($" OR {column} IS NULL");
        }
        else if (op == "not in")
        {
            sql.Append($" AND {column} IS NOT NULL");
        }

        sql.Append(")");
    }

    private void EmitLike(string column, Field field, string op, object? value, LeafDomain leaf)
    {
        var text = value switch
        {
            string s => s,
            null or false => "",
            int or long or double => Convert.ToString(value, CultureInfo.InvariantCulture)!,
            _ => throw new ValueErrorException($"Invalid value {Domain.Describe(value)} for operator '{op}' in domain term {leaf}"),
        };
        var wildcard = op is "like" or "ilike" or "not like" or "not ilike";
        var pattern = wildcard ? "%" + text + "%" : text;
        if (System.Text.Encoding.UTF8.GetByteCount(pattern) > MaxLikePatternBytes)
        {
            // SQLite fails longer patterns with "LIKE or GLOB pattern too complex"; both backends refuse them as the client's error.
            throw new ValueErrorException($"The pattern of operator '{op}' in a domain is limited to {MaxLikePatternBytes} bytes.");
        }

        var expression = field.ColumnType == Storage.Dialects.SqlColumnType.Text ? column : sql.Dialect.CastToText(column);
        var insensitive = op is "ilike" or "not ilike" or "=ilike";
        var negative = op is "not like" or "not ilike";
        var placeholder = sql.Placeholder(pattern);
        var match = insensitive ? sql.Dialect.ILike(expression, placeholder) : sql.Dialect.Like(expression, placeholder);
        if (negative)
        {
            // Odoo: a negative match also returns records without a value; so does an empty pattern for a positive one.
            sql.Append($"(NOT {match} OR {column} IS NULL)");
        }
        else if (wildcard && text.Length == 0)
        {
            sql.Append($"({match} OR {column} IS NULL)");
        }
        else
        {
            sql.Append(match);
        }
    }

    private static object ComparisonValue(Field field, string op, object? value, LeafDomain leaf)
    {
        ValueErrorException Bad(string expected) =>
            new($"Invalid value {Domain.Describe(value)} for field '{field.Model}.{field.Name}' in domain term {leaf}: expected {expected}");

        switch (field.Type)
        {
            case FieldType.Integer or FieldType.Many2one:
                return value switch
                {
                    int i => i,
                    long l => l,
                    bool b => b ? 1 : 0,
                    double d when Math.Floor(d) == d => (long)d,
                    double d => d,
                    string s when long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) => parsed,
                    IList { Count: 2 } pair when Values.TryGetId(pair, out var id) => id,
                    _ => throw Bad("a number"),
                };
            case FieldType.Float or FieldType.Monetary:
                return value switch
                {
                    double d => d,
                    int i => (double)i,
                    long l => (double)l,
                    string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
                    _ => throw Bad("a number"),
                };
            case FieldType.Boolean:
                return Values.IsTruthy(value);
            case FieldType.Date:
                return Values.ParseDate(value) ?? throw Bad("a date YYYY-MM-DD");
            case FieldType.Datetime:
                if (value is string { Length: 10 } day && op is ">" or ">=" or "<" or "<=")
                {
                    // Odoo 8: a date alone compared with a datetime means the start or end of that day.
                    value = day + (op is ">" or ">=" ? " 00:00:00" : " 23:59:59");
                }

                return Values.ParseDateTime(value) ?? throw Bad("a datetime YYYY-MM-DD HH:MM:SS");
            default:
                return value switch
                {
                    string s => s,
                    int or long or double => Convert.ToString(value, CultureInfo.InvariantCulture)!,
                    bool b => b ? "True" : "False",
                    _ => throw Bad("a string"),
                };
        }
    }

    private static List<object?>? AsList(object? value) => value is IList list and not byte[] ? list.Cast<object?>().ToList() : null;
}
