using System.Collections;
using System.Data.Common;
using System.Globalization;
using SaasPortal.Orm.Access;
using SaasPortal.Orm.Domains;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Registry;
using SaasPortal.Orm.Schema;
using SaasPortal.Orm.Sql;
using SaasPortal.Storage.Dialects;

namespace SaasPortal.Orm.Records;

/// <summary>
/// create, write and unlink: access checks, value conversion and validation, defaults, x2many commands,
/// related fields written through, constraint violations turned into Odoo's errors, and stored computed fields
/// recomputed afterwards.
/// </summary>
internal static class Writer
{
    /// <summary>Models whose changes alter what users may do: the call's access caches are dropped after writing them.</summary>
    private static readonly HashSet<string> AccessModels =
        new(["res.groups", "res.users", "ir.model.access", "ir.rule", "ir.model.data", "ir.model"], StringComparer.Ordinal);

    public static async Task<int> CreateAsync(OrmEnvironment env, Model model, IReadOnlyDictionary<string, object?> vals, CancellationToken cancellationToken)
    {
        if (!env.IsSuperuser)
        {
            await env.Access.CheckAsync(env, model, AccessOperation.Create, cancellationToken);
        }

        var values = await WithDefaultsAsync(env, model, vals, cancellationToken);
        var plan = await PlanAsync(env, model, values, creating: true, cancellationToken);
        foreach (var field in model.Fields.Where(f => f.HasColumn && f.Spec.Required && !f.IsMagic))
        {
            if (!plan.Columns.TryGetValue(field.Name, out var value) || value is null)
            {
                throw new ValidationErrorException($"The field '{field.Label}' ({model.Name}.{field.Name}) is required.");
            }
        }

        foreach (var field in model.Fields.Where(f => f.IsAttachment && f.Spec.Required))
        {
            if (!plan.Attachments.Any(a => a.Field == field && a.Content is not null))
            {
                throw new ValidationErrorException($"The field '{field.Label}' ({model.Name}.{field.Name}) is required.");
            }
        }

        var now = Values.Now();
        var sql = new SqlBuilder(env.Transaction.Dialect).Append("INSERT INTO ").Identifier(model.Table).Append(" (");
        var columns = plan.Columns.Keys.Concat(["create_uid", "create_date", "write_uid", "write_date"]).ToList();
        sql.Append(string.Join(", ", columns.Select(env.Transaction.Dialect.Quote))).Append(") VALUES (");
        var first = true;
        foreach (var value in plan.Columns.Values.Concat([env.Uid, now, env.Uid, now]))
        {
            if (!first)
            {
                sql.Append(", ");
            }

            first = false;
            sql.Value(value);
        }

        sql.Append(") RETURNING \"id\"");
        int id;
        try
        {
            id = Convert.ToInt32(await env.Transaction.ScalarAsync(sql, cancellationToken), CultureInfo.InvariantCulture);
        }
        catch (DbException e) when (env.Transaction.Dialect.AsConstraintViolation(e) is { } violation)
        {
            throw ConstraintError(env, model, violation, deleting: false);
        }

        await ApplyRelationalAsync(env, model, [id], plan, cancellationToken);
        if (!env.IsSuperuser)
        {
            await Reader.CheckRecordsAsync(env, model, [id], AccessOperation.Create, cancellationToken);
        }

        AfterChange(env, model);
        await Recomputer.AfterCreateAsync(env, model, [id], cancellationToken);
        return id;
    }

    public static async Task WriteAsync(OrmEnvironment env, Model model, IReadOnlyList<int> ids, IReadOnlyDictionary<string, object?> vals, CancellationToken cancellationToken)
    {
        var distinct = ids.Distinct().ToList();
        if (distinct.Count == 0)
        {
            return;
        }

        await Reader.CheckRecordsAsync(env, model, distinct, AccessOperation.Write, cancellationToken);
        await EnsureExistAsync(env, model, distinct, cancellationToken);
        var plan = await PlanAsync(env, model, vals, creating: false, cancellationToken);
        foreach (var (name, value) in plan.Columns)
        {
            var field = model.GetField(name);
            if (field.Spec.Required && value is null)
            {
                throw new ValidationErrorException($"The field '{field.Label}' ({model.Name}.{field.Name}) is required.");
            }
        }

        var changed = plan.Columns.Keys.Concat(plan.Relational.Select(r => r.Field.Name)).ToList();
        var before = await Recomputer.AffectedAsync(env, model, distinct, changed, cancellationToken);
        foreach (var chunk in distinct.Chunk(Reader.Chunk))
        {
            var sql = new SqlBuilder(env.Transaction.Dialect).Append("UPDATE ").Identifier(model.Table).Append(" SET ");
            foreach (var (name, value) in plan.Columns)
            {
                sql.Identifier(name).Append(" = ").Value(value).Append(", ");
            }

            sql.Append("\"write_uid\" = ").Value(env.Uid).Append(", \"write_date\" = ").Value(Values.Now())
                .Append(" WHERE \"id\" IN ").ValueList(chunk);
            try
            {
                await env.Transaction.ExecuteAsync(sql, cancellationToken);
            }
            catch (DbException e) when (env.Transaction.Dialect.AsConstraintViolation(e) is { } violation)
            {
                throw ConstraintError(env, model, violation, deleting: false);
            }
        }

        await ApplyRelationalAsync(env, model, distinct, plan, cancellationToken);
        AfterChange(env, model);
        await Recomputer.AfterWriteAsync(env, model, distinct, changed, before, cancellationToken);
    }

    public static async Task UnlinkAsync(OrmEnvironment env, Model model, IReadOnlyList<int> ids, CancellationToken cancellationToken)
    {
        var distinct = ids.Distinct().ToList();
        if (distinct.Count == 0)
        {
            return;
        }

        await Reader.CheckRecordsAsync(env, model, distinct, AccessOperation.Unlink, cancellationToken);
        var affected = await Recomputer.AffectedAsync(env, model, distinct, null, cancellationToken);
        var dialect = env.Transaction.Dialect;
        foreach (var chunk in distinct.Chunk(Reader.Chunk))
        {
            // Odoo removes the xml ids and attachments of deleted records with them.
            await env.Transaction.ExecuteAsync(new SqlBuilder(dialect).Append("DELETE FROM \"ir_model_data\" WHERE \"model\" = ").Value(model.Name)
                .Append(" AND \"res_id\" IN ").ValueList(chunk), cancellationToken);
            if (model.Name != "ir.attachment")
            {
                await env.Transaction.ExecuteAsync(new SqlBuilder(dialect).Append("DELETE FROM \"ir_attachment\" WHERE \"res_model\" = ").Value(model.Name)
                    .Append(" AND \"res_id\" IN ").ValueList(chunk), cancellationToken);
            }

            try
            {
                await env.Transaction.ExecuteAsync(new SqlBuilder(dialect).Append("DELETE FROM ").Identifier(model.Table)
                    .Append(" WHERE \"id\" IN ").ValueList(chunk), cancellationToken);
            }
            catch (DbException e) when (dialect.AsConstraintViolation(e) is { } violation)
            {
                throw ConstraintError(env, model, violation, deleting: true);
            }
        }

        AfterChange(env, model);
        await Recomputer.RecomputeAsync(env, affected, cancellationToken);
    }

    /// <summary>A MissingError when some of the records do not exist.</summary>
    public static async Task EnsureExistAsync(OrmEnvironment env, Model model, IReadOnlyList<int> ids, CancellationToken cancellationToken)
    {
        var existing = await Reader.ReadColumnsAsync(env, model, ids, [], cancellationToken);
        var missing = ids.Where(id => !existing.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            throw MissingErrorException.For(model.Name, missing);
        }
    }

    private static void AfterChange(OrmEnvironment env, Model model)
    {
        if (AccessModels.Contains(model.Name))
        {
            env.State.InvalidateAccess();
        }
    }

    /// <summary>The values of a create: given ones, then context defaults (default_x), registered defaults and declared literals.</summary>
    private static async Task<Dictionary<string, object?>> WithDefaultsAsync(OrmEnvironment env, Model model, IReadOnlyDictionary<string, object?> vals,
        CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, object?>(vals, StringComparer.Ordinal);
        foreach (var field in model.Fields)
        {
            if (values.ContainsKey(field.Name) || field.IsMagic || field.SystemOnly)
            {
                continue;
            }

            if (env.Context.Values.TryGetValue("default_" + field.Name, out var contextDefault))
            {
                values[field.Name] = contextDefault;
            }
            else if (env.Registry.Default(model.Name, field.Name) is { } function)
            {
                values[field.Name] = await function(env, cancellationToken);
            }
            else if (field.Spec.Default is { } literal)
            {
                values[field.Name] = literal;
            }
        }

        return values;
    }

    /// <summary>Defaults of the given fields (or all), as default_get returns them.</summary>
    public static async Task<Dictionary<string, object?>> DefaultsAsync(OrmEnvironment env, Model model, IReadOnlyList<string>? names, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        var fields = names is null || names.Count == 0 ? model.Fields.Where(f => !f.IsMagic && !f.SystemOnly) : names.Select(model.GetField);
        foreach (var field in fields)
        {
            object? value;
            if (env.Context.Values.TryGetValue("default_" + field.Name, out var contextDefault))
            {
                value = contextDefault;
            }
            else if (env.Registry.Default(model.Name, field.Name) is { } function)
            {
                value = await function(env, cancellationToken);
            }
            else if (field.Spec.Default is { } literal)
            {
                value = literal;
            }
            else
            {
                continue;
            }

            if (value is not null)
            {
                result[field.Name] = value;
            }
        }

        return result;
    }

    private sealed record Plan(Dictionary<string, object?> Columns, List<(Field Field, object? Value)> Relational, List<(Field Field, object? Value)> Related,
        List<(Field Field, byte[]? Content)> Attachments);

    /// <summary>Checks and converts the values: columns, x2many commands, related fields to write through.</summary>
    private static async Task<Plan> PlanAsync(OrmEnvironment env, Model model, IReadOnlyDictionary<string, object?> vals, bool creating, CancellationToken cancellationToken)
    {
        var plan = new Plan(new Dictionary<string, object?>(StringComparer.Ordinal), [], [], []);
        foreach (var (name, value) in vals)
        {
            var field = model.GetField(name);
            if (field.IsMagic)
            {
                // Clients echo what read returned (id, display_name, write_date…); Odoo ignores those.
                continue;
            }

            if (!env.IsSuperuser && !await env.Access.CanSeeAsync(env, field, cancellationToken))
            {
                throw new AccessErrorException(
                    $"The requested operation can not be completed due to security restrictions.\n\nDocument type: {model.Description} ({model.Name})\nOperation: {(creating ? "create" : "write")}\nFields: {field.Name}");
            }

            if (field.IsRelated && !field.IsStored)
            {
                plan.Related.Add((field, value));
            }
            else if (field.IsComputed && !field.IsStored)
            {
                // A computed field without storage has nowhere to go; Odoo drops such values too.
                continue;
            }
            else if (field.IsX2Many)
            {
                plan.Relational.Add((field, value));
            }
            else if (field.IsAttachment)
            {
                var content = (byte[]?)Values.ToColumn(field, value);
                plan.Attachments.Add((field, content is { Length: > 0 } ? content : null));
            }
            else if (field.HasColumn)
            {
                plan.Columns[name] = Values.ToColumn(field, value);
            }
        }

        return plan;
    }

    private static async Task ApplyRelationalAsync(OrmEnvironment env, Model model, IReadOnlyList<int> ids, Plan plan, CancellationToken cancellationToken)
    {
        foreach (var (field, value) in plan.Relational)
        {
            var commands = X2ManyCommand.Parse(field, value);
            foreach (var id in ids)
            {
                await X2ManyCommand.ApplyAsync(env, field, id, commands, cancellationToken);
            }
        }

        foreach (var (field, value) in plan.Related)
        {
            await WriteRelatedAsync(env, model, ids, field, value, cancellationToken);
        }

        foreach (var (field, content) in plan.Attachments)
        {
            foreach (var id in ids)
            {
                await StoreAttachmentAsync(env, model, field, id, content, cancellationToken);
            }
        }
    }

    /// <summary>Keeps a binary field's value as the record's attachment for that field (none when empty).</summary>
    private static async Task StoreAttachmentAsync(OrmEnvironment env, Model model, Field field, int id, byte[]? content, CancellationToken cancellationToken)
    {
        var attachments = env.Sudo()["ir.attachment"];
        var existing = await attachments.SearchAsync(new List<object?>
        {
            new List<object?> { "res_model", "=", model.Name }, new List<object?> { "res_field", "=", field.Name }, new List<object?> { "res_id", "=", id },
        }, cancellationToken);
        if (content is null)
        {
            await existing.UnlinkAsync(cancellationToken);
        }
        else if (existing.Count > 0)
        {
            await existing.WriteAsync(new Dictionary<string, object?> { ["datas"] = content }, cancellationToken);
        }
        else
        {
            await attachments.CreateAsync(new Dictionary<string, object?>
            {
                ["name"] = field.Name, ["res_model"] = model.Name, ["res_field"] = field.Name, ["res_id"] = id, ["datas"] = content,
            }, cancellationToken);
        }
    }

    /// <summary>Writes a related field on the records its path reaches (as the superuser, like Odoo's related fields).</summary>
    private static async Task WriteRelatedAsync(OrmEnvironment env, Model model, IReadOnlyList<int> ids, Field field, object? value, CancellationToken cancellationToken)
    {
        var sudo = env.Sudo();
        var current = model;
        IReadOnlyList<int> targets = ids;
        var path = field.Related!;
        for (var i = 0; i < path.Count - 1; i++)
        {
            var step = current.GetField(path[i]);
            var rows = await Reader.ReadColumnsAsync(sudo, current, targets, [step], cancellationToken);
            targets = rows.Values.Select(r => r[step.Name]).Where(v => v is not null)
                .Select(v => Convert.ToInt32(v, CultureInfo.InvariantCulture)).Distinct().ToList();
            current = env.Registry[step.Comodel!];
        }

        if (targets.Count > 0)
        {
            await sudo.CallAsync(current.Name, "write", [targets.Cast<object?>().ToList(), new Dictionary<string, object?> { [path[^1]] = value }], null, cancellationToken);
        }
    }

    /// <summary>Turns a database constraint violation into the error Odoo shows, naming the field or constraint.</summary>
    public static OdooException ConstraintError(OrmEnvironment env, Model model, ConstraintViolation violation, bool deleting)
    {
        var table = violation.Table ?? model.Table;
        var target = env.Registry.Models.FirstOrDefault(m => m.Table == table) ?? model;
        switch (violation.Kind)
        {
            case ConstraintKind.Unique:
                foreach (var constraint in target.Constraints)
                {
                    if (violation.Constraint == SchemaNames.Constraint(target, constraint)
                        || (violation.Columns.Count > 0 && violation.Columns.SequenceEqual(constraint.UniqueFields)))
                    {
                        return new ValidationErrorException(constraint.Message);
                    }
                }

                var field = target.Fields.FirstOrDefault(f => violation.Constraint == SchemaNames.UniqueIndex(target, f.Name)
                    || (violation.Columns.Count == 1 && violation.Columns[0] == f.Name));
                return new ValidationErrorException(field is null
                    ? $"The operation cannot be completed: a unique value of {target.Description} ({target.Name}) is already used."
                    : $"The value of '{field.Label}' ({target.Name}.{field.Name}) must be unique: another record already has it.");
            case ConstraintKind.ForeignKey:
                return deleting
                    ? new UserErrorException(
                        $"The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.\n\nModel: {model.Description} ({model.Name})")
                    : new ValidationErrorException(
                        $"The operation cannot be completed: a referenced record does not exist.\n\nModel: {target.Description} ({target.Name})");
            case ConstraintKind.NotNull:
                var column = violation.Columns.Count > 0 ? target.FindField(violation.Columns[0]) : null;
                return new ValidationErrorException(column is null
                    ? $"The operation cannot be completed: a mandatory field of {target.Description} ({target.Name}) is not set."
                    : $"The field '{column.Label}' ({target.Name}.{column.Name}) is required.");
            default:
                return new ValidationErrorException($"The operation cannot be completed: a constraint of {target.Description} ({target.Name}) is violated.");
        }
    }
}
