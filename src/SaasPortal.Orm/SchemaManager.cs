using System.Globalization;
using System.Text;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Registry;
using SaasPortal.Orm.Schema;
using SaasPortal.Orm.Sql;
using SaasPortal.Storage.Dialects;

namespace SaasPortal.Orm;

/// <summary>
/// Brings a database's tables in line with a registry, inside the caller's transaction: tables, columns,
/// many2many relation tables, indexes, unique constraints and foreign keys, and the ir.model / ir.model.fields
/// rows (with the <c>module.model_x</c> xml ids of models). Idempotent: run it after every change of installed
/// modules; new models and fields get their tables and columns, existing data stays. Removing is explicit
/// (<see cref="RemoveObsoleteAsync"/>, <see cref="DropModelAsync"/>…), for uninstall.
/// </summary>
public static class SchemaManager
{
    /// <summary>Creates or alters the schema of <paramref name="env"/>'s database for <see cref="OrmEnvironment.Registry"/>.</summary>
    public static async Task UpdateAsync(OrmEnvironment env, CancellationToken cancellationToken)
    {
        var tx = env.Transaction;
        var dialect = tx.Dialect;
        var registry = env.Registry;
        var tables = new HashSet<string>(await dialect.TablesAsync(tx.Connection, tx.Transaction!, cancellationToken), StringComparer.Ordinal);
        var foreignKeys = new List<(string Table, string Column, string Target, string OnDelete)>();

        foreach (var model in registry.Models)
        {
            var columns = model.Fields.Where(f => f.HasColumn && f.Name != "id").ToList();
            if (!tables.Contains(model.Table))
            {
                var sql = new StringBuilder().Append("CREATE TABLE ").Append(dialect.Quote(model.Table)).Append(" (").Append(dialect.PrimaryKeyColumn);
                foreach (var field in columns)
                {
                    sql.Append(", ").Append(ColumnDefinition(dialect, registry, field, creating: true));
                }

                sql.Append(')');
                await tx.ExecuteAsync(sql.ToString(), cancellationToken);
                tables.Add(model.Table);
            }
            else
            {
                var existing = await dialect.ColumnsAsync(tx.Connection, tx.Transaction!, model.Table, cancellationToken);
                foreach (var field in columns.Where(f => !existing.Contains(f.Name)))
                {
                    await tx.ExecuteAsync($"ALTER TABLE {dialect.Quote(model.Table)} ADD COLUMN {ColumnDefinition(dialect, registry, field, creating: false)}", cancellationToken);
                    if (field.Spec.Default is { } literal && !field.IsRelational)
                    {
                        // Existing records get the default, as Odoo fills a new column.
                        var fill = new SqlBuilder(dialect).Append("UPDATE ").Identifier(model.Table).Append(" SET ").Identifier(field.Name)
                            .Append(" = ").Value(Records.Values.ToColumn(field, literal)).Append(" WHERE ").Identifier(field.Name).Append(" IS NULL");
                        await tx.ExecuteAsync(fill, cancellationToken);
                    }
                }
            }

            foreach (var field in columns.Where(f => f.Type == FieldType.Many2one))
            {
                foreignKeys.Add((model.Table, field.Name, Model.TableName(field.Comodel!), field.Spec.OnDelete));
            }
        }

        if (!dialect.InlineForeignKeys)
        {
            foreach (var group in foreignKeys.GroupBy(k => k.Table))
            {
                var existing = await dialect.ForeignKeysAsync(tx.Connection, tx.Transaction!, group.Key, cancellationToken);
                foreach (var (table, column, target, onDelete) in group)
                {
                    var name = SchemaNames.ForeignKey(table, column);
                    if (!existing.Contains(name))
                    {
                        await tx.ExecuteAsync(dialect.AddForeignKey(table, name, column, target, onDelete), cancellationToken);
                    }
                }
            }
        }

        foreach (var relation in Relations(registry))
        {
            if (tables.Contains(relation.Relation.Table))
            {
                continue;
            }

            var (info, left, right) = relation;
            await tx.ExecuteAsync(
                $"CREATE TABLE {dialect.Quote(info.Table)} ({dialect.Quote(info.Column1)} {dialect.ColumnType(SqlColumnType.Integer)} NOT NULL " +
                $"REFERENCES {dialect.Quote(left)} (\"id\") ON DELETE CASCADE, {dialect.Quote(info.Column2)} {dialect.ColumnType(SqlColumnType.Integer)} NOT NULL " +
                $"REFERENCES {dialect.Quote(right)} (\"id\") ON DELETE CASCADE, PRIMARY KEY ({dialect.Quote(info.Column1)}, {dialect.Quote(info.Column2)}))",
                cancellationToken);
            await tx.ExecuteAsync($"CREATE INDEX {dialect.Quote(SchemaNames.RelationIndex(info))} ON {dialect.Quote(info.Table)} ({dialect.Quote(info.Column2)})", cancellationToken);
            tables.Add(info.Table);
        }

        await BootstrapSuperuserAsync(env, cancellationToken);
        await CreateIndexesAsync(env, cancellationToken);
        await SyncModelRowsAsync(env, cancellationToken);
    }

    /// <summary>
    /// Drops what <paramref name="previous"/> had and <paramref name="env"/>'s registry no longer has: relation
    /// tables, columns, then model tables, with their ir.model rows (which removes their access rules and record
    /// rules) and the xml ids pointing at their records. For uninstall; data of remaining fields is untouched.
    /// </summary>
    public static async Task RemoveObsoleteAsync(OrmEnvironment env, ModelRegistry previous, CancellationToken cancellationToken)
    {
        var current = env.Registry;
        var keptRelations = Relations(current).Select(r => r.Relation.Table).ToHashSet(StringComparer.Ordinal);
        foreach (var table in Relations(previous).Select(r => r.Relation.Table).Distinct().Where(t => !keptRelations.Contains(t)))
        {
            await DropRelationAsync(env, table, cancellationToken);
        }

        foreach (var model in previous.Models)
        {
            var kept = current.FindModel(model.Name);
            if (kept is null)
            {
                continue;
            }

            foreach (var field in model.Fields.Where(f => kept.FindField(f.Name) is null))
            {
                if (field.HasColumn)
                {
                    await DropColumnAsync(env, model.Name, field.Name, cancellationToken);
                }
                else
                {
                    await DeleteFieldRowAsync(env, model.Name, field.Name, cancellationToken);
                }
            }

            foreach (var constraint in model.Constraints.Where(c => kept.Constraints.All(k => k.Name != c.Name)))
            {
                await env.Transaction.ExecuteAsync($"DROP INDEX IF EXISTS {env.Transaction.Dialect.Quote(SchemaNames.Constraint(model, constraint))}", cancellationToken);
            }
        }

        foreach (var model in previous.Models.Where(m => !current.Contains(m.Name)).Reverse())
        {
            await DropModelAsync(env, model.Name, cancellationToken);
        }
    }

    /// <summary>Drops a model's table, its ir.model row (cascading to its fields, access rules and record rules) and the xml ids of its records.</summary>
    public static async Task DropModelAsync(OrmEnvironment env, string model, CancellationToken cancellationToken)
    {
        var tx = env.Transaction;
        var dialect = tx.Dialect;
        var table = Model.TableName(model);
        var modelId = await tx.ScalarAsync(new SqlBuilder(dialect).Append("SELECT \"id\" FROM \"ir_model\" WHERE \"model\" = ").Value(model), cancellationToken);
        if (modelId is not null)
        {
            await tx.ExecuteAsync(new SqlBuilder(dialect).Append("DELETE FROM \"ir_model_data\" WHERE \"model\" = ").Value("ir.model")
                .Append(" AND \"res_id\" = ").Value(Convert.ToInt32(modelId, CultureInfo.InvariantCulture)), cancellationToken);
            await tx.ExecuteAsync(new SqlBuilder(dialect).Append("DELETE FROM \"ir_model\" WHERE \"id\" = ").Value(Convert.ToInt32(modelId, CultureInfo.InvariantCulture)), cancellationToken);
        }

        await tx.ExecuteAsync(new SqlBuilder(dialect).Append("DELETE FROM \"ir_model_data\" WHERE \"model\" = ").Value(model), cancellationToken);
        await tx.ExecuteAsync(new SqlBuilder(dialect).Append("DELETE FROM \"ir_attachment\" WHERE \"res_model\" = ").Value(model), cancellationToken);
        await tx.ExecuteAsync($"DROP TABLE IF EXISTS {dialect.Quote(table)}{(dialect.Backend == Storage.DatabaseBackend.Postgres ? " CASCADE" : "")}", cancellationToken);
        env.State.InvalidateAccess();
    }

    /// <summary>Drops a column (and its indexes) of a model's table and its ir.model.fields row.</summary>
    public static async Task DropColumnAsync(OrmEnvironment env, string model, string column, CancellationToken cancellationToken)
    {
        var tx = env.Transaction;
        var dialect = tx.Dialect;
        var table = Model.TableName(model);
        foreach (var index in new[] { $"{table}_{column}_uniq", $"{table}_{column}_index" })
        {
            await tx.ExecuteAsync($"DROP INDEX IF EXISTS {dialect.Quote(SchemaNames.Fit(index))}", cancellationToken);
        }

        var columns = await dialect.ColumnsAsync(tx.Connection, tx.Transaction!, table, cancellationToken);
        if (columns.Contains(column))
        {
            await tx.ExecuteAsync($"ALTER TABLE {dialect.Quote(table)} DROP COLUMN {dialect.Quote(column)}", cancellationToken);
        }

        await DeleteFieldRowAsync(env, model, column, cancellationToken);
    }

    /// <summary>Drops a many2many relation table.</summary>
    public static Task DropRelationAsync(OrmEnvironment env, string table, CancellationToken cancellationToken) =>
        env.Transaction.ExecuteAsync($"DROP TABLE IF EXISTS {env.Transaction.Dialect.Quote(table)}", cancellationToken);

    private static async Task DeleteFieldRowAsync(OrmEnvironment env, string model, string field, CancellationToken cancellationToken) =>
        await env.Transaction.ExecuteAsync(new SqlBuilder(env.Transaction.Dialect).Append("DELETE FROM \"ir_model_fields\" WHERE \"model\" = ").Value(model)
            .Append(" AND \"name\" = ").Value(field), cancellationToken);


    private static string ColumnDefinition(SqlDialect dialect, ModelRegistry registry, Field field, bool creating)
    {
        var definition = new StringBuilder().Append(dialect.Quote(field.Name)).Append(' ').Append(dialect.ColumnType(field.ColumnType));
        if (creating && field.Spec.Required && !field.IsMagic)
        {
            definition.Append(" NOT NULL");
        }

        if (field.Type == FieldType.Many2one && dialect.InlineForeignKeys && registry.FindModel(field.Comodel!) is { } target)
        {
            definition.Append(" REFERENCES ").Append(dialect.Quote(target.Table)).Append(" (\"id\") ON DELETE ").Append(SqlDialect.OnDeleteAction(field.Spec.OnDelete));
        }

        return definition.ToString();
    }

    private static IEnumerable<(RelationInfo Relation, string Left, string Right)> Relations(ModelRegistry registry) =>
        registry.Models.SelectMany(m => m.Fields)
            .Where(f => f.Relation is not null)
            .Select(f => (f.Relation!, Model.TableName(f.Model), Model.TableName(f.Comodel!)))
            .DistinctBy(r => r.Item1.Table);

    private static async Task CreateIndexesAsync(OrmEnvironment env, CancellationToken cancellationToken)
    {
        var tx = env.Transaction;
        var dialect = tx.Dialect;
        var existing = await dialect.IndexesAsync(tx.Connection, tx.Transaction!, cancellationToken);
        foreach (var model in env.Registry.Models)
        {
            foreach (var field in model.Fields.Where(f => f.HasColumn && !f.IsMagic))
            {
                if (field.Spec.Unique)
                {
                    await CreateIndexAsync(env, existing, model, SchemaNames.UniqueIndex(model, field.Name), [field.Name], unique: true,
                        $"the field '{field.Label}' ({model.Name}.{field.Name}) must be unique", cancellationToken);
                }
                else if (field.Spec.Index || field.Type == FieldType.Many2one)
                {
                    // Many2ones are indexed too: they are what one2many reads and record rules filter on.
                    await CreateIndexAsync(env, existing, model, SchemaNames.Index(model, field.Name), [field.Name], unique: false, null, cancellationToken);
                }
            }

            foreach (var constraint in model.Constraints)
            {
                await CreateIndexAsync(env, existing, model, SchemaNames.Constraint(model, constraint), constraint.UniqueFields, unique: true,
                    constraint.Message, cancellationToken);
            }
        }
    }

    private static async Task CreateIndexAsync(OrmEnvironment env, IReadOnlySet<string> existing, Model model, string name, IReadOnlyList<string> columns,
        bool unique, string? violation, CancellationToken cancellationToken)
    {
        if (existing.Contains(name))
        {
            return;
        }

        var dialect = env.Transaction.Dialect;
        var sql = $"CREATE {(unique ? "UNIQUE " : "")}INDEX {dialect.Quote(name)} ON {dialect.Quote(model.Table)} ({string.Join(", ", columns.Select(dialect.Quote))})";
        try
        {
            await env.Transaction.ExecuteAsync(sql, cancellationToken);
        }
        catch (System.Data.Common.DbException e) when (unique && dialect.AsConstraintViolation(e) is not null)
        {
            throw new UserErrorException($"Cannot add the unique constraint {name} to {model.Name}: existing records break it ({violation}).");
        }
    }

    /// <summary>Keeps ir.model and ir.model.fields in line with the registry, and gives each model its xml id.</summary>
    private static async Task SyncModelRowsAsync(OrmEnvironment env, CancellationToken cancellationToken)
    {
        var tx = env.Transaction;
        var dialect = tx.Dialect;
        var now = Records.Values.Now();
        var models = new Dictionary<string, (int Id, string? Name, string? Modules)>(StringComparer.Ordinal);
        foreach (var row in await tx.RowsAsync(new SqlBuilder(dialect).Append("SELECT \"model\", \"id\", \"name\", \"modules\" FROM \"ir_model\""), cancellationToken))
        {
            models[(string)row[0]!] = (Convert.ToInt32(row[1], CultureInfo.InvariantCulture), row[2] as string, row[3] as string);
        }

        var xmlIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in await tx.RowsAsync(new SqlBuilder(dialect).Append("SELECT \"module\", \"name\" FROM \"ir_model_data\" WHERE \"model\" = ").Value("ir.model"), cancellationToken))
        {
            xmlIds.Add($"{row[0]}.{row[1]}");
        }

        var fields = new Dictionary<(string Model, string Name), (int Id, string Signature)>();
        var select = new SqlBuilder(dialect).Append("SELECT \"model\", \"name\", \"id\", ").Append(string.Join(", ", FieldColumns.Select(dialect.Quote)))
            .Append(" FROM \"ir_model_fields\"");
        foreach (var row in await tx.RowsAsync(select, cancellationToken))
        {
            fields[((string)row[0]!, (string)row[1]!)] = (Convert.ToInt32(row[2], CultureInfo.InvariantCulture), Signature(row.Skip(3)));
        }

        var inserts = new List<(string Model, string Field, int ModelId, object?[] Values)>();
        foreach (var model in env.Registry.Models)
        {
            var modules = string.Join(", ", model.Modules);
            int modelId;
            if (models.TryGetValue(model.Name, out var known))
            {
                modelId = known.Id;
                if (known.Name != model.Description || known.Modules != modules)
                {
                    await tx.ExecuteAsync(new SqlBuilder(dialect).Append("UPDATE \"ir_model\" SET \"name\" = ").Value(model.Description)
                        .Append(", \"modules\" = ").Value(modules).Append(", \"write_date\" = ").Value(now).Append(" WHERE \"id\" = ").Value(modelId), cancellationToken);
                }
            }
            else
            {
                var insert = new SqlBuilder(dialect).Append("INSERT INTO \"ir_model\" (\"model\", \"name\", \"state\", \"modules\", \"create_uid\", \"create_date\", \"write_uid\", \"write_date\") VALUES (")
                    .Value(model.Name).Append(", ").Value(model.Description).Append(", ").Value("base").Append(", ").Value(modules)
                    .Append(", ").Value(OrmEnvironment.SuperuserId).Append(", ").Value(now).Append(", ").Value(OrmEnvironment.SuperuserId).Append(", ").Value(now)
                    .Append(") RETURNING \"id\"");
                modelId = Convert.ToInt32(await tx.ScalarAsync(insert, cancellationToken), CultureInfo.InvariantCulture);
            }

            var xmlName = "model_" + model.Table;
            if (!xmlIds.Contains($"{model.Module}.{xmlName}"))
            {
                var data = new SqlBuilder(dialect).Append("INSERT INTO \"ir_model_data\" (\"module\", \"name\", \"model\", \"res_id\", \"noupdate\", \"create_date\", \"write_date\") VALUES (")
                    .Value(model.Module).Append(", ").Value(xmlName).Append(", ").Value("ir.model").Append(", ").Value(modelId).Append(", ").Value(false)
                    .Append(", ").Value(now).Append(", ").Value(now).Append(")");
                await tx.ExecuteAsync(data, cancellationToken);
            }

            foreach (var field in model.Fields.Where(f => !f.SystemOnly))
            {
                var values = FieldRow(field);
                var signature = Signature(values);
                if (fields.TryGetValue((model.Name, field.Name), out var row))
                {
                    if (row.Signature != signature)
                    {
                        var update = new SqlBuilder(dialect).Append("UPDATE \"ir_model_fields\" SET ");
                        for (var i = 0; i < FieldColumns.Length; i++)
                        {
                            update.Identifier(FieldColumns[i]).Append(" = ").Value(values[i]).Append(", ");
                        }

                        update.Append("\"model_id\" = ").Value(modelId).Append(", \"write_date\" = ").Value(now).Append(" WHERE \"id\" = ").Value(row.Id);
                        await tx.ExecuteAsync(update, cancellationToken);
                    }

                    continue;
                }

                inserts.Add((model.Name, field.Name, modelId, values));
            }
        }

        // New fields go in multi-row inserts: installing an addon adds hundreds of them.
        foreach (var batch in inserts.Chunk(40))
        {
            var sql = new SqlBuilder(dialect).Append("INSERT INTO \"ir_model_fields\" (\"model\", \"name\", \"model_id\", ")
                .Append(string.Join(", ", FieldColumns.Select(dialect.Quote))).Append(", \"create_date\", \"write_date\") VALUES ");
            var first = true;
            foreach (var (modelName, fieldName, modelId, values) in batch)
            {
                sql.Append(first ? "(" : ", (").Value(modelName).Append(", ").Value(fieldName).Append(", ").Value(modelId);
                foreach (var value in values)
                {
                    sql.Append(", ").Value(value);
                }

                sql.Append(", ").Value(now).Append(", ").Value(now).Append(")");
                first = false;
            }

            await tx.ExecuteAsync(sql, cancellationToken);
        }
    }

    /// <summary>The columns of ir_model_fields the sync writes (besides model, name and model_id).</summary>
    private static readonly string[] FieldColumns =
    [
        "field_description", "ttype", "relation", "required", "readonly", "store", "modules", "selection", "related", "groups",
        "relation_field", "relation_table", "help", "index", "compute", "on_delete",
    ];

    private static object?[] FieldRow(Field field)
    {
        var spec = field.Spec;
        return
        [
            field.Label, field.Type.ToString().ToLowerInvariant(), spec.Comodel, spec.Required, field.IsReadonly, field.IsStored, field.Module,
            spec.Selection is { } options ? "[" + string.Join(", ", options.Select(o => $"('{o.Value}', '{o.Label.Replace("'", "\\'", StringComparison.Ordinal)}')")) + "]" : null,
            spec.Related, spec.Groups is { Count: > 0 } groups ? string.Join(",", groups) : null,
            spec.InverseName, field.Relation?.Table, spec.Help, spec.Index, spec.Compute,
            field.Type == FieldType.Many2one ? spec.OnDelete : null,
        ];
    }

    /// <summary>A comparable rendering of a row's values (booleans as read from SQLite or PostgreSQL alike).</summary>
    private static string Signature(IEnumerable<object?> values) =>
        string.Join("|", values.Select(v => v switch
        {
            bool b => b ? "1" : "0",
            long l when l is 0 or 1 => l.ToString(CultureInfo.InvariantCulture),
            null => "",
            _ => Convert.ToString(v, CultureInfo.InvariantCulture),
        }));

    /// <summary>
    /// On a fresh database: the superuser (uid 1, login admin, no password yet) and its partner, with Odoo's xml ids
    /// base.user_root and base.partner_root, so that every record has an existing creator from the first insert on.
    /// base's data files then update them by xml id; the database initializer sets the password.
    /// </summary>
    private static async Task BootstrapSuperuserAsync(OrmEnvironment env, CancellationToken cancellationToken)
    {
        var tx = env.Transaction;
        var dialect = tx.Dialect;
        if (await tx.ScalarAsync(new SqlBuilder(dialect).Append("SELECT COUNT(*) FROM \"res_users\""), cancellationToken) is { } count
            && Convert.ToInt64(count, CultureInfo.InvariantCulture) > 0)
        {
            return;
        }

        var now = Records.Values.Now();
        var partner = Convert.ToInt32(await tx.ScalarAsync(new SqlBuilder(dialect)
            .Append("INSERT INTO \"res_partner\" (\"name\", \"active\", \"customer\", \"supplier\", \"employee\", \"is_company\", \"type\", \"lang\", \"create_date\", \"write_date\") VALUES (")
            .Value("Administrator").Append(", ").Value(true).Append(", ").Value(false).Append(", ").Value(false).Append(", ").Value(false).Append(", ").Value(false)
            .Append(", ").Value("contact").Append(", ").Value("en_US").Append(", ").Value(now).Append(", ").Value(now).Append(") RETURNING \"id\""), cancellationToken), CultureInfo.InvariantCulture);
        var user = Convert.ToInt32(await tx.ScalarAsync(new SqlBuilder(dialect)
            .Append("INSERT INTO \"res_users\" (\"login\", \"partner_id\", \"active\", \"share\", \"create_date\", \"write_date\") VALUES (")
            .Value("admin").Append(", ").Value(partner).Append(", ").Value(true).Append(", ").Value(false).Append(", ").Value(now).Append(", ").Value(now)
            .Append(") RETURNING \"id\""), cancellationToken), CultureInfo.InvariantCulture);
        if (user != OrmEnvironment.SuperuserId)
        {
            throw new InvalidOperationException($"The superuser was created with id {user}, not {OrmEnvironment.SuperuserId}.");
        }

        foreach (var table in new[] { "res_partner", "res_users" })
        {
            await tx.ExecuteAsync(new SqlBuilder(dialect).Append("UPDATE ").Identifier(table).Append(" SET \"create_uid\" = ").Value(user)
                .Append(", \"write_uid\" = ").Value(user), cancellationToken);
        }

        foreach (var (name, model, id) in new[] { ("partner_root", "res.partner", partner), ("user_root", "res.users", user) })
        {
            await tx.ExecuteAsync(new SqlBuilder(dialect)
                .Append("INSERT INTO \"ir_model_data\" (\"module\", \"name\", \"model\", \"res_id\", \"noupdate\", \"create_uid\", \"create_date\", \"write_uid\", \"write_date\") VALUES (")
                .Value("base").Append(", ").Value(name).Append(", ").Value(model).Append(", ").Value(id).Append(", ").Value(false)
                .Append(", ").Value(user).Append(", ").Value(now).Append(", ").Value(user).Append(", ").Value(now).Append(")"), cancellationToken);
        }
    }
}
