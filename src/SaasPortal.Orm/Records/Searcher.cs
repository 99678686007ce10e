using SaasPortal.Orm.Access;
using SaasPortal.Orm.Domains;
using SaasPortal.Orm.Registry;
using SaasPortal.Orm.Schema;
using SaasPortal.Orm.Sql;

namespace SaasPortal.Orm.Records;

/// <summary>
/// Searches: the user's domain, archived records hidden unless the domain or context asks for them, the record
/// rules of the user ANDed in, the order checked against the model, and limit/offset as literal integers.
/// </summary>
internal static class Searcher
{
    public static async Task<List<int>> SearchAsync(OrmEnvironment env, Model model, Domain domain, int offset, int? limit, string? order,
        CancellationToken cancellationToken)
    {
        var sql = await SelectAsync(env, model, domain, offset, limit, order, [], cancellationToken);
        return await env.Transaction.IdsAsync(sql, cancellationToken);
    }

    /// <summary>
    /// Searches and reads the stored <paramref name="columns"/> of the records found in the same statement, as
    /// search_read needs them: the rows found already passed the model access check and the read record rules, so
    /// reading them again by id would only repeat the work. Ids come in the search's order, each once.
    /// </summary>
    public static async Task<(List<int> Ids, Dictionary<int, Dictionary<string, object?>> Rows)> SearchColumnsAsync(OrmEnvironment env, Model model,
        Domain domain, int offset, int? limit, string? order, IReadOnlyList<Field> columns, CancellationToken cancellationToken)
    {
        var sql = await SelectAsync(env, model, domain, offset, limit, order, columns, cancellationToken);
        var ids = new List<int>();
        var rows = new Dictionary<int, Dictionary<string, object?>>();
        foreach (var row in await env.Transaction.RowsAsync(sql, cancellationToken))
        {
            var id = Convert.ToInt32(row[0], System.Globalization.CultureInfo.InvariantCulture);
            var values = new Dictionary<string, object?>(columns.Count, StringComparer.Ordinal);
            for (var i = 0; i < columns.Count; i++)
            {
                values[columns[i].Name] = row[i + 1];
            }

            if (rows.TryAdd(id, values))
            {
                ids.Add(id);
            }
        }

        return (ids, rows);
    }

    private static async Task<SqlBuilder> SelectAsync(OrmEnvironment env, Model model, Domain domain, int offset, int? limit, string? order,
        IReadOnlyList<Field> columns, CancellationToken cancellationToken)
    {
        var sql = new SqlBuilder(env.Transaction.Dialect);
        var compiler = new DomainCompiler(env.Registry, sql);
        sql.Append("SELECT \"t\".\"id\"");
        foreach (var column in columns)
        {
            sql.Append(", ").Column("t", column.Name);
        }

        sql.Append(" FROM ").Identifier(model.Table).Append(" \"t\" WHERE ");
        await AppendConditionAsync(env, model, domain, compiler, AccessOperation.Read, cancellationToken);
        var terms = string.IsNullOrWhiteSpace(order) ? model.DefaultOrder : OrderParser.Parse(model, order, env.Registry.FindModel);
        sql.Append(" ORDER BY ");
        AppendOrder(env.Registry, model, "t", terms, compiler);
        sql.Append(env.Transaction.Dialect.LimitOffset(limit, Math.Max(0, offset)));
        return sql;
    }

    public static async Task<int> CountAsync(OrmEnvironment env, Model model, Domain domain, CancellationToken cancellationToken)
    {
        var sql = new SqlBuilder(env.Transaction.Dialect);
        var compiler = new DomainCompiler(env.Registry, sql);
        sql.Append("SELECT COUNT(*) FROM ").Identifier(model.Table).Append(" \"t\" WHERE ");
        await AppendConditionAsync(env, model, domain, compiler, AccessOperation.Read, cancellationToken);
        return Convert.ToInt32(await env.Transaction.ScalarAsync(sql, cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Appends the WHERE condition of a search on alias "t": the domain, the active test and (for normal users)
    /// the access check and record rules of <paramref name="operation"/>.
    /// </summary>
    public static async Task AppendConditionAsync(OrmEnvironment env, Model model, Domain domain, DomainCompiler compiler,
        AccessOperation operation, CancellationToken cancellationToken)
    {
        if (!env.IsSuperuser)
        {
            await env.Access.CheckAsync(env, model, operation, cancellationToken);
            domain = Domain.And(domain, await env.Access.RuleDomainAsync(env, model, operation, cancellationToken));
        }

        domain = WithActiveTest(env, model, domain);
        compiler.Compile(model, "t", domain);
    }

    /// <summary>Hides archived records unless the context says active_test=False or the domain mentions 'active'.</summary>
    public static Domain WithActiveTest(OrmEnvironment env, Model model, Domain domain)
    {
        if (!model.HasActive || !env.Context.ActiveTest || domain.Leaves().Any(l => l.Path == "active"))
        {
            return domain;
        }

        return Domain.And(Domain.Leaf("active", "=", true), domain);
    }

    /// <summary>Appends ORDER BY terms (without the keyword), ending with id so that pages are stable.</summary>
    public static void AppendOrder(ModelRegistry registry, Model model, string alias, IReadOnlyList<OrderTerm> terms, DomainCompiler compiler)
    {
        var sql = compiler.Sql;
        var first = true;
        foreach (var term in terms)
        {
            foreach (var (expression, descending) in OrderExpressions(registry, model, alias, term, compiler))
            {
                if (!first)
                {
                    sql.Append(", ");
                }

                first = false;
                sql.Append(expression).Append(descending ? " DESC NULLS FIRST" : " ASC NULLS LAST");
            }
        }

        if (!terms.Any(t => t.Field == "id"))
        {
            if (!first)
            {
                sql.Append(", ");
            }

            sql.Column(alias, "id");
        }
    }

    internal static IEnumerable<(string Expression, bool Descending)> OrderExpressions(ModelRegistry registry, Model model, string alias,
        OrderTerm term, DomainCompiler compiler)
    {
        var dialect = compiler.Sql.Dialect;
        var field = model.GetField(term.Field);
        if (field.IsRelated && !field.HasColumn)
        {
            // Follow the many2one chain with scalar subqueries: res.users.name → partner_id.name.
            var current = model;
            var expression = dialect.Quote(alias) + "." + dialect.Quote(field.Related![0]);
            for (var i = 1; i < field.Related.Count; i++)
            {
                current = registry[current.GetField(field.Related[i - 1]).Comodel!];
                var sub = compiler.NewAlias();
                expression = $"(SELECT {dialect.Quote(sub)}.{dialect.Quote(field.Related[i])} FROM {dialect.Quote(current.Table)} {dialect.Quote(sub)} WHERE {dialect.Quote(sub)}.\"id\" = {expression})";
            }

            yield return (expression, term.Descending);
            yield break;
        }

        var column = dialect.Quote(alias) + "." + dialect.Quote(field.Name);
        if (field.Type != FieldType.Many2one)
        {
            yield return (column, term.Descending);
            yield break;
        }

        // A many2one sorts by its comodel's own order, as Odoo does.
        var comodel = registry[field.Comodel!];
        foreach (var inner in comodel.DefaultOrder)
        {
            var innerField = comodel.GetField(inner.Field);
            if (!innerField.HasColumn || innerField.Type == FieldType.Many2one)
            {
                yield return (column, term.Descending != inner.Descending);
                continue;
            }

            var sub = compiler.NewAlias();
            yield return ($"(SELECT {dialect.Quote(sub)}.{dialect.Quote(innerField.Name)} FROM {dialect.Quote(comodel.Table)} {dialect.Quote(sub)} WHERE {dialect.Quote(sub)}.\"id\" = {column})",
                term.Descending != inner.Descending);
        }
    }
}
