using SaasPortal.Orm.Domains;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Registry;
using SaasPortal.Orm.Sql;

namespace SaasPortal.Orm.Access;

/// <summary>
/// Access control of one user within one call: group memberships (with implied groups), model access rules
/// (ir.model.access), record rules (ir.rule) and field groups. Everything is read once per call and cached here.
/// The superuser and sudo environments never get here: callers check <see cref="OrmEnvironment.IsSuperuser"/>.
/// </summary>
internal sealed class AccessRights(int uid)
{
    private readonly Dictionary<(string Model, AccessOperation Operation), bool> _acl = [];
    private readonly Dictionary<(string Model, AccessOperation Operation), Domain> _rules = [];
    private readonly Dictionary<string, bool> _groupXmlIds = new(StringComparer.Ordinal);
    private HashSet<int>? _groups;

    public int Uid { get; } = uid;

    /// <summary>The user's groups, including every group they imply, transitively.</summary>
    public async Task<IReadOnlySet<int>> GroupsAsync(OrmEnvironment env, CancellationToken cancellationToken)
    {
        if (_groups is null)
        {
            var sql = new SqlBuilder(env.Transaction.Dialect)
                .Append("WITH RECURSIVE g(id) AS (SELECT \"gid\" FROM \"res_groups_users_rel\" WHERE \"uid\" = ").Value(Uid)
                .Append(" UNION SELECT r.\"hid\" FROM \"res_groups_implied_rel\" r JOIN g ON r.\"gid\" = g.id) SELECT id FROM g");
            _groups = [.. await env.Transaction.IdsAsync(sql, cancellationToken)];
        }

        return _groups;
    }

    /// <summary>Whether the user belongs to the group with that xml id (directly or through implied groups).</summary>
    public async Task<bool> HasGroupAsync(OrmEnvironment env, string xmlId, CancellationToken cancellationToken)
    {
        if (_groupXmlIds.TryGetValue(xmlId, out var known))
        {
            return known;
        }

        var id = await env.RefAsync(xmlId, cancellationToken);
        var member = id is { } gid && (await GroupsAsync(env, cancellationToken)).Contains(gid);
        _groupXmlIds[xmlId] = member;
        return member;
    }

    /// <summary>Whether some access rule of the user's groups (or a global one) grants the operation on the model.</summary>
    public async Task<bool> AllowsAsync(OrmEnvironment env, string model, AccessOperation operation, CancellationToken cancellationToken)
    {
        if (_acl.TryGetValue((model, operation), out var allowed))
        {
            return allowed;
        }

        var groups = await GroupsAsync(env, cancellationToken);
        var sql = new SqlBuilder(env.Transaction.Dialect)
            .Append("SELECT a.\"id\" FROM \"ir_model_access\" a JOIN \"ir_model\" m ON m.\"id\" = a.\"model_id\" WHERE m.\"model\" = ").Value(model)
            .Append(" AND a.\"active\" = ").Value(true)
            .Append(" AND a.").Identifier(operation.Column()).Append(" = ").Value(true)
            .Append(" AND (a.\"group_id\" IS NULL");
        if (groups.Count > 0)
        {
            sql.Append(" OR a.\"group_id\" IN ").ValueList(groups);
        }

        sql.Append(") LIMIT 1");
        allowed = await env.Transaction.ScalarAsync(sql, cancellationToken) is not null;
        _acl[(model, operation)] = allowed;
        return allowed;
    }

    /// <summary>Throws Odoo's AccessError when the model access rules refuse the operation.</summary>
    public async Task CheckAsync(OrmEnvironment env, Model model, AccessOperation operation, CancellationToken cancellationToken)
    {
        if (!await AllowsAsync(env, model.Name, operation, cancellationToken))
        {
            throw new AccessErrorException(
                $"{operation.Refusal()} Please contact your system administrator if you think this is an error.\n\n(Document model: {model.Name})");
        }
    }

    /// <summary>
    /// The record rules of the model for the operation, as one domain: global rules ANDed, then the OR of the
    /// rules of the user's groups (Odoo's semantics). True when no rule applies.
    /// </summary>
    public async Task<Domain> RuleDomainAsync(OrmEnvironment env, Model model, AccessOperation operation, CancellationToken cancellationToken)
    {
        if (_rules.TryGetValue((model.Name, operation), out var cached))
        {
            return cached;
        }

        var sql = new SqlBuilder(env.Transaction.Dialect)
            .Append("SELECT r.\"id\", r.\"domain_force\", g.\"group_id\" FROM \"ir_rule\" r JOIN \"ir_model\" m ON m.\"id\" = r.\"model_id\"")
            .Append(" LEFT JOIN \"rule_group_rel\" g ON g.\"rule_group_id\" = r.\"id\" WHERE m.\"model\" = ").Value(model.Name)
            .Append(" AND r.\"active\" = ").Value(true)
            .Append(" AND r.").Identifier(operation.Column()).Append(" = ").Value(true)
            .Append(" ORDER BY r.\"id\"");
        var rows = await env.Transaction.RowsAsync(sql, cancellationToken);
        var rules = rows.GroupBy(r => Convert.ToInt32(r[0], System.Globalization.CultureInfo.InvariantCulture))
            .Select(g => (Text: g.First()[1] as string, Groups: g.Where(r => r[2] is not null).Select(r => Convert.ToInt32(r[2], System.Globalization.CultureInfo.InvariantCulture)).ToList()))
            .ToList();
        var domain = Domain.True;
        foreach (var rule in env.Registry.CodeRules(model.Name))
        {
            domain = Domain.And(domain, await rule(env, cancellationToken));
        }

        if (rules.Count > 0)
        {
            var groups = await GroupsAsync(env, cancellationToken);
            var evaluator = new RuleEvaluator(env.Sudo(), Uid);
            Domain? groupDomain = null;
            foreach (var (text, ruleGroups) in rules)
            {
                if (ruleGroups.Count == 0)
                {
                    domain = Domain.And(domain, await evaluator.EvaluateAsync(text, cancellationToken));
                }
                else if (ruleGroups.Any(groups.Contains))
                {
                    var ruleDomain = await evaluator.EvaluateAsync(text, cancellationToken);
                    groupDomain = groupDomain is null ? ruleDomain : Domain.Or(groupDomain, ruleDomain);
                }
            }

            if (groupDomain is not null)
            {
                domain = Domain.And(domain, groupDomain);
            }
        }

        _rules[(model.Name, operation)] = domain;
        return domain;
    }

    /// <summary>Whether the user may see a field restricted to groups.</summary>
    public async Task<bool> CanSeeAsync(OrmEnvironment env, Field field, CancellationToken cancellationToken)
    {
        if (field.Spec.Groups is not { Count: > 0 } groups)
        {
            return true;
        }

        foreach (var xmlId in groups)
        {
            if (await HasGroupAsync(env, xmlId, cancellationToken))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Forgets cached memberships and rules (after the call changed groups or rules).</summary>
    public void Invalidate()
    {
        _groups = null;
        _acl.Clear();
        _rules.Clear();
        _groupXmlIds.Clear();
    }
}
