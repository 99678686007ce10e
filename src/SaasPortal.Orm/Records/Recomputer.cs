using System.Globalization;
using SaasPortal.Orm.Domains;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Methods;
using SaasPortal.Orm.Registry;
using SaasPortal.Orm.Schema;

namespace SaasPortal.Orm.Records;

/// <summary>
/// Keeps stored computed fields up to date: after a change, finds the records whose value depends on it (by the
/// <c>depends</c> paths, searched backwards with a dotted domain) and runs their compute functions as the superuser.
/// </summary>
internal static class Recomputer
{
    private const int MaxDepth = 16;

    /// <summary>Records to recompute, per (model, compute function).</summary>
    public sealed class Pending : Dictionary<(string Model, string Compute), HashSet<int>>
    {
        public void Add(string model, string compute, IEnumerable<int> ids)
        {
            if (!TryGetValue((model, compute), out var set))
            {
                this[(model, compute)] = set = [];
            }

            set.UnionWith(ids);
        }

        public void Merge(Pending other)
        {
            foreach (var (key, ids) in other)
            {
                Add(key.Model, key.Compute, ids);
            }
        }
    }

    /// <summary>Records of other models (or reached through paths) that depend on these records' fields (all fields when null).</summary>
    public static async Task<Pending> AffectedAsync(OrmEnvironment env, Model model, IReadOnlyList<int> ids, IReadOnlyList<string>? fields,
        CancellationToken cancellationToken)
    {
        var pending = new Pending();
        if (!env.Registry.HasTriggers(model.Name) || ids.Count == 0)
        {
            return pending;
        }

        var names = fields ?? model.Fields.Select(f => f.Name).ToList();
        var sudo = env.Sudo().WithContext(env.Context.With("active_test", false));
        foreach (var name in names)
        {
            foreach (var trigger in env.Registry.Triggers(model.Name, name))
            {
                if (trigger.Path is null)
                {
                    continue;
                }

                var target = env.Registry[trigger.TargetModel];
                var found = await Searcher.SearchAsync(sudo, target, Domain.Leaf(trigger.Path, "in", ids.Cast<object?>().ToList()), 0, null, "id", cancellationToken);
                pending.Add(target.Name, trigger.Compute, found);
            }
        }

        return pending;
    }

    public static async Task AfterCreateAsync(OrmEnvironment env, Model model, IReadOnlyList<int> ids, CancellationToken cancellationToken)
    {
        var pending = await AffectedAsync(env, model, ids, null, cancellationToken);
        foreach (var compute in model.Fields.Where(f => f.IsComputed && f.IsStored).Select(f => f.Spec.Compute!).Distinct())
        {
            pending.Add(model.Name, compute, ids);
        }

        await RecomputeAsync(env, pending, cancellationToken);
    }

    public static async Task AfterWriteAsync(OrmEnvironment env, Model model, IReadOnlyList<int> ids, IReadOnlyList<string> changed, Pending before,
        CancellationToken cancellationToken)
    {
        var pending = await AffectedAsync(env, model, ids, changed, cancellationToken);
        pending.Merge(before);
        AddSelf(env, model, ids, changed, pending);
        await RecomputeAsync(env, pending, cancellationToken);
    }

    /// <summary>A many2many link changed: the mirror field on the comodel (same relation table) changed too.</summary>
    public static async Task AfterRelationChangeAsync(OrmEnvironment env, Field field, IReadOnlyList<int> targets, CancellationToken cancellationToken)
    {
        var comodel = env.Registry[field.Comodel!];
        foreach (var mirror in comodel.Fields.Where(f => f.Relation is { } r && r.Table == field.Relation!.Table && r.Column1 == field.Relation.Column2))
        {
            var pending = await AffectedAsync(env, comodel, targets, [mirror.Name], cancellationToken);
            AddSelf(env, comodel, targets, [mirror.Name], pending);
            await RecomputeAsync(env, pending, cancellationToken);
        }
    }

    private static void AddSelf(OrmEnvironment env, Model model, IReadOnlyList<int> ids, IReadOnlyList<string> changed, Pending pending)
    {
        foreach (var name in changed)
        {
            foreach (var trigger in env.Registry.Triggers(model.Name, name).Where(t => t.Path is null))
            {
                pending.Add(model.Name, trigger.Compute, ids);
            }
        }
    }

    public static async Task RecomputeAsync(OrmEnvironment env, Pending pending, CancellationToken cancellationToken)
    {
        if (pending.Count == 0)
        {
            return;
        }

        if (env.State.RecomputeDepth >= MaxDepth)
        {
            throw new UserErrorException("Stored computed fields depend on each other in a cycle; recomputation was stopped.");
        }

        env.State.RecomputeDepth++;
        try
        {
            var sudo = env.Sudo();
            foreach (var ((modelName, computeName), ids) in pending)
            {
                var model = env.Registry[modelName];
                var compute = env.Registry.Compute(computeName);
                var fields = model.Fields.Where(f => f.Spec.Compute == computeName && f.IsStored).ToList();
                if (compute is null || fields.Count == 0 || ids.Count == 0)
                {
                    continue;
                }

                var existing = (await Reader.ReadColumnsAsync(sudo, model, ids.ToList(), [], cancellationToken)).Keys.Order().ToList();
                if (existing.Count == 0)
                {
                    continue;
                }

                var call = new ComputeCall(sudo, model, existing, fields, cancellationToken);
                await compute(call);
                foreach (var id in existing)
                {
                    var values = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (var field in fields)
                    {
                        values[field.Name] = call.TryGet(id, field.Name, out var value) ? value : null;
                        if (field.Type == FieldType.Many2one && values[field.Name] is IList<object?> { Count: 2 } pair)
                        {
                            values[field.Name] = Convert.ToInt32(pair[0], CultureInfo.InvariantCulture);
                        }
                    }

                    await Writer.WriteAsync(sudo, model, [id], values, cancellationToken);
                }
            }
        }
        finally
        {
            env.State.RecomputeDepth--;
        }
    }
}
