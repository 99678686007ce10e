using System.Globalization;
using SaasPortal.Orm.Access;
using SaasPortal.Orm.Domains;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Methods;
using SaasPortal.Orm.Registry;
using SaasPortal.Orm.Schema;
using SaasPortal.Orm.Sql;

namespace SaasPortal.Orm.Records;

/// <summary>
/// Reads records into wire values: stored columns in one query, many2ones as [id, display name] (names read in
/// one batch per comodel), x2manys as id lists, related fields through their path, computed fields through their
/// registered function. Access is checked first: model access, record rules and field groups.
/// </summary>
internal static class Reader
{
    /// <summary>Chunk size of IN lists, well below both backends' parameter limits.</summary>
    public const int Chunk = 500;

    public static async Task<List<Dictionary<string, object?>>> ReadAsync(OrmEnvironment env, Model model, IReadOnlyList<int> ids,
        IReadOnlyList<string>? fieldNames, CancellationToken cancellationToken)
    {
        var fields = await ResolveFieldsAsync(env, model, fieldNames, cancellationToken);
        var distinct = ids.Distinct().ToList();
        if (distinct.Count == 0)
        {
            return [];
        }

        await CheckRecordsAsync(env, model, distinct, AccessOperation.Read, cancellationToken);
        var rows = await ReadColumnsAsync(env, model, distinct, fields.Where(f => f.HasColumn).ToList(), cancellationToken);
        var missing = distinct.Where(id => !rows.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            throw MissingErrorException.For(model.Name, missing);
        }

        return await ValuesAsync(env, model, distinct, fields, rows, cancellationToken);
    }

    /// <summary>
    /// Wire values of existing records whose stored columns are already read (<paramref name="rows"/>, by id), after
    /// the access checks: from <see cref="ReadAsync"/>, or from a search that read them (search_read).
    /// </summary>
    public static async Task<List<Dictionary<string, object?>>> ValuesAsync(OrmEnvironment env, Model model, List<int> ids, IReadOnlyList<Field> fields,
        Dictionary<int, Dictionary<string, object?>> rows, CancellationToken cancellationToken)
    {
        var values = new Dictionary<int, Dictionary<string, object?>>(ids.Count);
        foreach (var id in ids)
        {
            values[id] = new Dictionary<string, object?>(fields.Count + 1, StringComparer.Ordinal) { ["id"] = id };
        }

        foreach (var field in fields)
        {
            var column = await FieldValuesAsync(env, model, ids, field, rows, cancellationToken);
            foreach (var id in ids)
            {
                values[id][field.Name] = column[id];
            }
        }

        return ids.Select(id => values[id]).ToList();
    }

    /// <summary>The fields to read: the given names (checked) or every field the user may see.</summary>
    public static async Task<List<Field>> ResolveFieldsAsync(OrmEnvironment env, Model model, IReadOnlyList<string>? names, CancellationToken cancellationToken)
    {
        var fields = new List<Field>();
        if (names is null || names.Count == 0)
        {
            foreach (var field in model.Fields)
            {
                if (field.SystemOnly || field.Name == "id")
                {
                    continue;
                }

                if (env.IsSuperuser || await env.Access.CanSeeAsync(env, field, cancellationToken))
                {
                    fields.Add(field);
                }
            }

            return fields;
        }

        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            var field = model.GetField(name);
            if (field.Name == "id")
            {
                continue;
            }

            if (!env.IsSuperuser && !await env.Access.CanSeeAsync(env, field, cancellationToken))
            {
                throw new AccessErrorException(
                    $"The requested operation can not be completed due to security restrictions.\n\nDocument type: {model.Description} ({model.Name})\nOperation: read\nFields: {field.Name}");
            }

            fields.Add(field);
        }

        return fields;
    }

    /// <summary>
    /// Checks model access and that every record passes the user's record rules for the operation (an
    /// AccessError otherwise). Records that do not exist are left for the caller to report.
    /// </summary>
    public static async Task CheckRecordsAsync(OrmEnvironment env, Model model, IReadOnlyList<int> ids, AccessOperation operation,
        CancellationToken cancellationToken)
    {
        if (env.IsSuperuser)
        {
            return;
        }

        await env.Access.CheckAsync(env, model, operation, cancellationToken);
        var rules = await env.Access.RuleDomainAsync(env, model, operation, cancellationToken);
        if (rules is ConstantDomain { Value: true })
        {
            return;
        }

        foreach (var chunk in ids.Chunk(Chunk))
        {
            var sql = new SqlBuilder(env.Transaction.Dialect);
            sql.Append("SELECT \"t\".\"id\", CASE WHEN ");
            new DomainCompiler(env.Registry, sql).Compile(model, "t", rules);
            sql.Append(" THEN 1 ELSE 0 END FROM ").Identifier(model.Table).Append(" \"t\" WHERE \"t\".\"id\" IN ").ValueList(chunk);
            var rows = await env.Transaction.RowsAsync(sql, cancellationToken);
            if (rows.Any(r => Convert.ToInt64(r[1], CultureInfo.InvariantCulture) == 0))
            {
                throw new AccessErrorException(
                    $"The requested operation cannot be completed due to security restrictions. Please contact your system administrator.\n\n(Document type: {model.Description}, Operation: {operation.WireName()})");
            }
        }
    }

    /// <summary>Raw column values by id (null for NULL); only rows that exist appear.</summary>
    public static async Task<Dictionary<int, Dictionary<string, object?>>> ReadColumnsAsync(OrmEnvironment env, Model model, IReadOnlyList<int> ids,
        IReadOnlyList<Field> columns, CancellationToken cancellationToken)
    {
        var result = new Dictionary<int, Dictionary<string, object?>>();
        foreach (var chunk in ids.Chunk(Chunk))
        {
            var sql = new SqlBuilder(env.Transaction.Dialect).Append("SELECT \"id\"");
            foreach (var column in columns)
            {
                sql.Append(", ").Identifier(column.Name);
            }

            sql.Append(" FROM ").Identifier(model.Table).Append(" WHERE \"id\" IN ").ValueList(chunk);
            foreach (var row in await env.Transaction.RowsAsync(sql, cancellationToken))
            {
                var values = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (var i = 0; i < columns.Count; i++)
                {
                    values[columns[i].Name] = row[i + 1];
                }

                result[Convert.ToInt32(row[0], CultureInfo.InvariantCulture)] = values;
            }
        }

        return result;
    }

    private static async Task<Dictionary<int, object?>> FieldValuesAsync(OrmEnvironment env, Model model, List<int> ids, Field field,
        Dictionary<int, Dictionary<string, object?>> rows, CancellationToken cancellationToken)
    {
        var values = new Dictionary<int, object?>(ids.Count);
        if (field.Name == "display_name")
        {
            var names = await DisplayNamesAsync(env, model, ids, cancellationToken);
            foreach (var id in ids)
            {
                values[id] = names.GetValueOrDefault(id) ?? (object)false;
            }

            return values;
        }

        if (field.IsAttachment)
        {
            var contents = await AttachmentValuesAsync(env, model, field, ids, cancellationToken);
            foreach (var id in ids)
            {
                values[id] = contents.TryGetValue(id, out var data) ? data : false;
            }

            return values;
        }

        if (field.HasColumn)
        {
            if (field.Type == FieldType.Many2one)
            {
                var targets = ids.Select(id => rows[id][field.Name]).Where(v => v is not null)
                    .Select(v => Convert.ToInt32(v, CultureInfo.InvariantCulture)).Distinct().ToList();
                var names = await DisplayNamesAsync(env.Sudo(), env.Registry[field.Comodel!], targets, cancellationToken);
                foreach (var id in ids)
                {
                    values[id] = rows[id][field.Name] is { } raw && names.TryGetValue(Convert.ToInt32(raw, CultureInfo.InvariantCulture), out var name)
                        ? new List<object?> { Convert.ToInt32(raw, CultureInfo.InvariantCulture), name }
                        : false;
                }

                return values;
            }

            foreach (var id in ids)
            {
                values[id] = Values.FromColumn(field, rows[id][field.Name]);
            }

            return values;
        }

        if (field.IsX2Many && field.IsStored)
        {
            var links = await X2ManyIdsAsync(env, field, ids, cancellationToken);
            foreach (var id in ids)
            {
                values[id] = links.TryGetValue(id, out var list) ? list.Cast<object?>().ToList() : new List<object?>();
            }

            return values;
        }

        if (field.IsRelated)
        {
            return await RelatedValuesAsync(env, model, ids, field.Related!, cancellationToken);
        }

        if (field.IsComputed)
        {
            return await ComputedValuesAsync(env, model, ids, field, cancellationToken);
        }

        foreach (var id in ids)
        {
            values[id] = EmptyValue(field);
        }

        return values;
    }

    /// <summary>The base64 contents of a binary field per record, from the records' attachments for that field.</summary>
    private static async Task<Dictionary<int, object?>> AttachmentValuesAsync(OrmEnvironment env, Model model, Field field, IReadOnlyList<int> ids,
        CancellationToken cancellationToken)
    {
        var result = new Dictionary<int, object?>();
        var attachments = env.Sudo()["ir.attachment"];
        foreach (var chunk in ids.Chunk(Chunk))
        {
            var found = await attachments.SearchAsync(new List<object?>
            {
                new List<object?> { "res_model", "=", model.Name }, new List<object?> { "res_field", "=", field.Name },
                new List<object?> { "res_id", "in", chunk.Cast<object?>().ToList() },
            }, cancellationToken);
            foreach (var row in await found.ReadAsync(["res_id", "datas"], cancellationToken))
            {
                result[Convert.ToInt32(row["res_id"], CultureInfo.InvariantCulture)] = row["datas"];
            }
        }

        return result;
    }

    /// <summary>The ids linked through an x2many, per record, in the comodel's order, archived ones hidden.</summary>
    public static async Task<Dictionary<int, List<int>>> X2ManyIdsAsync(OrmEnvironment env, Field field, IReadOnlyList<int> ids, CancellationToken cancellationToken)
    {
        var comodel = env.Registry[field.Comodel!];
        var result = new Dictionary<int, List<int>>();
        foreach (var chunk in ids.Chunk(Chunk))
        {
            var sql = new SqlBuilder(env.Transaction.Dialect);
            var compiler = new DomainCompiler(env.Registry, sql);
            if (field.Type == FieldType.One2many)
            {
                sql.Append("SELECT ").Column("t", field.Spec.InverseName!).Append(", \"t\".\"id\" FROM ").Identifier(comodel.Table).Append(" \"t\" WHERE ")
                    .Column("t", field.Spec.InverseName!).Append(" IN ").ValueList(chunk);
            }
            else
            {
                var relation = field.Relation!;
                sql.Append("SELECT ").Column("r", relation.Column1).Append(", \"t\".\"id\" FROM ").Identifier(relation.Table).Append(" \"r\" JOIN ")
                    .Identifier(comodel.Table).Append(" \"t\" ON \"t\".\"id\" = ").Column("r", relation.Column2)
                    .Append(" WHERE ").Column("r", relation.Column1).Append(" IN ").ValueList(chunk);
            }

            var filter = Searcher.WithActiveTest(env, comodel, Domain.True);
            if (!env.IsSuperuser && await env.Access.AllowsAsync(env, comodel.Name, AccessOperation.Read, cancellationToken))
            {
                // Linked records the user's record rules hide are left out, as Odoo's x2many reads do.
                filter = Domain.And(filter, await env.Access.RuleDomainAsync(env, comodel, AccessOperation.Read, cancellationToken));
            }

            if (filter is not ConstantDomain { Value: true })
            {
                sql.Append(" AND ");
                compiler.Compile(comodel, "t", filter);
            }

            sql.Append(" ORDER BY ");
            Searcher.AppendOrder(env.Registry, comodel, "t", comodel.DefaultOrder, compiler);
            foreach (var row in await env.Transaction.RowsAsync(sql, cancellationToken))
            {
                var owner = Convert.ToInt32(row[0], CultureInfo.InvariantCulture);
                if (!result.TryGetValue(owner, out var list))
                {
                    result[owner] = list = [];
                }

                list.Add(Convert.ToInt32(row[1], CultureInfo.InvariantCulture));
            }
        }

        return result;
    }

    /// <summary>Values of a path of fields (through many2ones) per record, read as the superuser, as Odoo reads related fields.</summary>
    public static async Task<Dictionary<int, object?>> RelatedValuesAsync(OrmEnvironment env, Model model, List<int> ids, IReadOnlyList<string> path,
        CancellationToken cancellationToken)
    {
        var sudo = env.Sudo();
        var first = model.GetField(path[0]);
        if (path.Count == 1)
        {
            var rows = await ReadAsync(sudo, model, ids, [first.Name], cancellationToken);
            return rows.ToDictionary(r => (int)r["id"]!, r => r[first.Name]);
        }

        var links = await ReadColumnsAsync(sudo, model, ids, [first], cancellationToken);
        var targets = links.Values.Select(v => v[first.Name]).Where(v => v is not null)
            .Select(v => Convert.ToInt32(v, CultureInfo.InvariantCulture)).Distinct().ToList();
        var comodel = env.Registry[first.Comodel!];
        var inner = targets.Count == 0 ? [] : await RelatedValuesAsync(env, comodel, targets, path.Skip(1).ToList(), cancellationToken);
        var last = LastField(env.Registry, model, path);
        var result = new Dictionary<int, object?>(ids.Count);
        foreach (var id in ids)
        {
            result[id] = links.TryGetValue(id, out var row) && row[first.Name] is { } target
                && inner.TryGetValue(Convert.ToInt32(target, CultureInfo.InvariantCulture), out var value)
                    ? value
                    : EmptyValue(last);
        }

        return result;
    }

    private static Field LastField(ModelRegistry registry, Model model, IReadOnlyList<string> path)
    {
        var current = model;
        Field field = current.GetField(path[0]);
        for (var i = 1; i < path.Count; i++)
        {
            current = registry[field.Comodel!];
            field = current.GetField(path[i]);
        }

        return field;
    }

    private static async Task<Dictionary<int, object?>> ComputedValuesAsync(OrmEnvironment env, Model model, List<int> ids, Field field,
        CancellationToken cancellationToken)
    {
        var values = new Dictionary<int, object?>(ids.Count);
        var compute = env.Registry.Compute(field.Spec.Compute!);
        ComputeCall? call = null;
        if (compute is not null)
        {
            call = new ComputeCall(env, model, ids, [field], cancellationToken);
            await compute(call);
        }

        var relational = new List<(int Id, int Target)>();
        foreach (var id in ids)
        {
            object? value = null;
            var found = call is not null && call.TryGet(id, field.Name, out value);
            if (!found || value is null)
            {
                values[id] = EmptyValue(field);
                continue;
            }

            if (field.Type == FieldType.Many2one)
            {
                if (Values.TryGetId(value, out var target))
                {
                    relational.Add((id, target));
                }

                values[id] = false;
            }
            else if (field.IsX2Many)
            {
                values[id] = Values.ToIds(value).Cast<object?>().ToList();
            }
            else if (field.Type == FieldType.Binary && value is byte[] bytes)
            {
                values[id] = Convert.ToBase64String(bytes);
            }
            else
            {
                values[id] = value;
            }
        }

        if (relational.Count > 0)
        {
            var names = await DisplayNamesAsync(env.Sudo(), env.Registry[field.Comodel!], relational.Select(r => r.Target).Distinct().ToList(), cancellationToken);
            foreach (var (id, target) in relational)
            {
                values[id] = names.TryGetValue(target, out var name) ? new List<object?> { target, name } : false;
            }
        }

        return values;
    }

    /// <summary>The empty wire value of a field: 0 for numbers, [] for x2many, False otherwise.</summary>
    public static object EmptyValue(Field field) => field.Type switch
    {
        FieldType.Integer => 0,
        FieldType.Float or FieldType.Monetary => 0.0,
        FieldType.One2many or FieldType.Many2many => new List<object?>(),
        _ => false,
    };

    /// <summary>
    /// Display names of existing records (no access check: callers decide). Uses a name_get override registered
    /// for the model when there is one, else the rec_name field, else "model,id".
    /// </summary>
    public static async Task<Dictionary<int, string>> DisplayNamesAsync(OrmEnvironment env, Model model, IReadOnlyList<int> ids, CancellationToken cancellationToken)
    {
        var result = new Dictionary<int, string>();
        if (ids.Count == 0)
        {
            return result;
        }

        if (env.Registry.MethodChain(model.Name, "name_get") is not null)
        {
            var pairs = await env.Sudo().CallAsync(model.Name, "name_get", [ids.Cast<object?>().ToList()], null, cancellationToken);
            if (pairs is IEnumerable<object?> list)
            {
                foreach (var pair in list)
                {
                    if (pair is IList<object?> { Count: 2 } p && Values.TryGetId(p[0], out var id))
                    {
                        result[id] = p[1] as string ?? "";
                    }
                }
            }

            return result;
        }

        return await DefaultNamesAsync(env, model, ids, cancellationToken);
    }

    /// <summary>Display names from the rec_name field (or "model,id"), for existing records.</summary>
    public static async Task<Dictionary<int, string>> DefaultNamesAsync(OrmEnvironment env, Model model, IReadOnlyList<int> ids, CancellationToken cancellationToken)
    {
        var result = new Dictionary<int, string>();
        var distinct = ids.Distinct().ToList();
        if (model.RecName is null)
        {
            foreach (var row in (await ReadColumnsAsync(env, model, distinct, [], cancellationToken)).Keys)
            {
                result[row] = $"{model.Name},{row}";
            }

            return result;
        }

        var recName = model.GetField(model.RecName);
        Dictionary<int, object?> names;
        if (recName.HasColumn)
        {
            var rows = await ReadColumnsAsync(env, model, distinct, [recName], cancellationToken);
            names = rows.ToDictionary(r => r.Key, r => (object?)Values.FromColumn(recName, r.Value[recName.Name]));
        }
        else
        {
            var existing = (await ReadColumnsAsync(env, model, distinct, [], cancellationToken)).Keys.ToList();
            names = existing.Count == 0 ? [] : await FieldValuesAsync(env.Sudo(), model, existing, recName, [], cancellationToken);
        }

        foreach (var (id, name) in names)
        {
            result[id] = name switch
            {
                string s => s,
                IList<object?> { Count: 2 } pair => pair[1] as string ?? "",
                false or null => "",
                _ => Convert.ToString(name, CultureInfo.InvariantCulture) ?? "",
            };
        }

        return result;
    }
}
