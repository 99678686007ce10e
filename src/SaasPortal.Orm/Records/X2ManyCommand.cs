using System.Collections;
using System.Globalization;
using SaasPortal.Orm.Domains;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Registry;
using SaasPortal.Orm.Schema;
using SaasPortal.Orm.Sql;

namespace SaasPortal.Orm.Records;

/// <summary>Odoo's x2many commands, parsed and applied.</summary>
internal sealed record X2ManyCommand(int Code, int Id, object? Values, IReadOnlyList<int>? Ids)
{
    public static List<X2ManyCommand> Parse(Field field, object? value)
    {
        var where = $"{field.Model}.{field.Name}";
        if (value is null or false)
        {
            return [new X2ManyCommand(5, 0, null, null)];
        }

        if (value is not IList list || value is string)
        {
            throw new ValueErrorException($"Wrong value for {where}: {Domain.Describe(value)} (expected a list of commands)");
        }

        // Odoo 8 accepted a plain list of ids as "replace by these".
        if (list.Count > 0 && list.Cast<object?>().All(v => v is int or long))
        {
            return [new X2ManyCommand(6, 0, null, Records.Values.ToIds(list))];
        }

        var commands = new List<X2ManyCommand>();
        foreach (var item in list)
        {
            if (item is not IList { Count: >= 1 } command || item is string || command[0] is not (int or long))
            {
                throw new ValueErrorException($"Invalid command {Domain.Describe(item)} for {where}: expected (code, id, values)");
            }

            var code = Convert.ToInt32(command[0], CultureInfo.InvariantCulture);
            object? Arg(int index) => command.Count > index ? command[index] : null;
            int RecordId()
            {
                return Records.Values.TryGetId(Arg(1), out var id) ? id
                    : throw new ValueErrorException($"Invalid command {Domain.Describe(item)} for {where}: expected a record id");
            }

            commands.Add(code switch
            {
                0 => new X2ManyCommand(0, 0, Arg(2) as IDictionary<string, object?> ?? throw new ValueErrorException($"Invalid command {Domain.Describe(item)} for {where}: (0, 0, values) needs a dict of values"), null),
                1 => new X2ManyCommand(1, RecordId(), Arg(2) as IDictionary<string, object?> ?? throw new ValueErrorException($"Invalid command {Domain.Describe(item)} for {where}: (1, id, values) needs a dict of values"), null),
                2 or 3 or 4 => new X2ManyCommand(code, RecordId(), null, null),
                5 => new X2ManyCommand(5, 0, null, null),
                6 => new X2ManyCommand(6, 0, null, Records.Values.ToIds(Arg(2), $"ids of command 6 for {where}")),
                _ => throw new ValueErrorException($"Invalid command code {code} for {where} (known: 0 create, 1 update, 2 delete, 3 unlink, 4 link, 5 unlink all, 6 replace)"),
            });
        }

        return commands;
    }

    public static async Task ApplyAsync(OrmEnvironment env, Field field, int id, IReadOnlyList<X2ManyCommand> commands, CancellationToken cancellationToken)
    {
        var comodel = env.Registry[field.Comodel!];
        foreach (var command in commands)
        {
            switch (command.Code)
            {
                case 0:
                    var vals = new Dictionary<string, object?>((IDictionary<string, object?>)command.Values!, StringComparer.Ordinal);
                    if (field.Type == FieldType.One2many)
                    {
                        vals[field.Spec.InverseName!] = id;
                    }

                    var created = await env.CallAsync(comodel.Name, "create", [vals], null, cancellationToken);
                    if (field.Type == FieldType.Many2many && Records.Values.TryGetId(created, out var createdId))
                    {
                        await LinkAsync(env, field, id, [createdId], cancellationToken);
                    }

                    break;
                case 1:
                    await env.CallAsync(comodel.Name, "write", [new List<object?> { command.Id }, command.Values], null, cancellationToken);
                    break;
                case 2:
                    await env.CallAsync(comodel.Name, "unlink", [new List<object?> { command.Id }], null, cancellationToken);
                    break;
                case 3:
                    await DetachAsync(env, field, comodel, id, [command.Id], cancellationToken);
                    break;
                case 4:
                    await AttachAsync(env, field, comodel, id, [command.Id], cancellationToken);
                    break;
                case 5:
                    await DetachAsync(env, field, comodel, id, null, cancellationToken);
                    break;
                case 6:
                    await DetachAsync(env, field, comodel, id, null, cancellationToken, keep: command.Ids);
                    await AttachAsync(env, field, comodel, id, command.Ids!, cancellationToken);
                    break;
            }
        }
    }

    private static async Task AttachAsync(OrmEnvironment env, Field field, Model comodel, int id, IReadOnlyList<int> targets, CancellationToken cancellationToken)
    {
        if (targets.Count == 0)
        {
            return;
        }

        if (field.Type == FieldType.One2many)
        {
            await env.CallAsync(comodel.Name, "write", [targets.Cast<object?>().ToList(), new Dictionary<string, object?> { [field.Spec.InverseName!] = id }], null, cancellationToken);
            return;
        }

        await Writer.EnsureExistAsync(env, comodel, targets, cancellationToken);
        await LinkAsync(env, field, id, targets, cancellationToken);
    }

    private static async Task LinkAsync(OrmEnvironment env, Field field, int id, IReadOnlyList<int> targets, CancellationToken cancellationToken)
    {
        var relation = field.Relation!;
        foreach (var target in targets.Distinct())
        {
            var sql = new SqlBuilder(env.Transaction.Dialect).Append("INSERT INTO ").Identifier(relation.Table).Append(" (")
                .Identifier(relation.Column1).Append(", ").Identifier(relation.Column2).Append(") VALUES (").Value(id).Append(", ").Value(target)
                .Append(") ON CONFLICT DO NOTHING");
            await env.Transaction.ExecuteAsync(sql, cancellationToken);
        }

        await Recomputer.AfterRelationChangeAsync(env, field, targets, cancellationToken);
    }

    /// <summary>Unlinks the given targets (all when null), keeping <paramref name="keep"/>.</summary>
    private static async Task DetachAsync(OrmEnvironment env, Field field, Model comodel, int id, IReadOnlyList<int>? targets,
        CancellationToken cancellationToken, IReadOnlyList<int>? keep = null)
    {
        var dialect = env.Transaction.Dialect;
        if (field.Type == FieldType.One2many)
        {
            var inverse = comodel.GetField(field.Spec.InverseName!);
            var sql = new SqlBuilder(dialect).Append("SELECT \"id\" FROM ").Identifier(comodel.Table).Append(" WHERE ").Identifier(inverse.Name).Append(" = ").Value(id);
            if (targets is not null)
            {
                sql.Append(" AND \"id\" IN ").ValueList(targets.Count == 0 ? [0] : targets);
            }

            var linked = (await env.Transaction.IdsAsync(sql, cancellationToken)).Where(t => keep is null || !keep.Contains(t)).Cast<object?>().ToList();
            if (linked.Count == 0)
            {
                return;
            }

            // A line that cannot exist without its parent is deleted; others are only detached.
            if (inverse.Spec.Required || inverse.Spec.OnDelete == "cascade")
            {
                await env.CallAsync(comodel.Name, "unlink", [linked], null, cancellationToken);
            }
            else
            {
                await env.CallAsync(comodel.Name, "write", [linked, new Dictionary<string, object?> { [inverse.Name] = false }], null, cancellationToken);
            }

            return;
        }

        var relation = field.Relation!;
        var select = new SqlBuilder(dialect).Append("SELECT ").Identifier(relation.Column2).Append(" FROM ").Identifier(relation.Table)
            .Append(" WHERE ").Identifier(relation.Column1).Append(" = ").Value(id);
        var current = await env.Transaction.IdsAsync(select, cancellationToken);
        var removed = current.Where(t => (targets is null || targets.Contains(t)) && (keep is null || !keep.Contains(t))).ToList();
        if (removed.Count == 0)
        {
            return;
        }

        var delete = new SqlBuilder(dialect).Append("DELETE FROM ").Identifier(relation.Table).Append(" WHERE ").Identifier(relation.Column1)
            .Append(" = ").Value(id).Append(" AND ").Identifier(relation.Column2).Append(" IN ").ValueList(removed);
        await env.Transaction.ExecuteAsync(delete, cancellationToken);
        await Recomputer.AfterRelationChangeAsync(env, field, removed, cancellationToken);
    }
}
