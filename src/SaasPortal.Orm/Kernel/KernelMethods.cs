using System.Globalization;
using SaasPortal.Orm.Domains;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Methods;
using SaasPortal.Orm.Records;
using SaasPortal.Orm.Security;
using SaasPortal.Orm.Sql;
using static SaasPortal.Orm.Methods.Parameter;

namespace SaasPortal.Orm.Kernel;

/// <summary>
/// The C# behaviour of the kernel models, registered in every registry before any addon's: passwords hashed on
/// create/write and never readable, partners created with users and companies, implied groups granted, has_group,
/// system parameters, attachments in the file store, and the computed fields of the kernel.
/// </summary>
internal static class KernelMethods
{
    public static void Register(MethodTable table)
    {
        table.Register("res.users", "create", CreateUserAsync)
            .Register("res.users", "write", WriteUserAsync)
            .Register("res.users", "has_group", HasGroupAsync)
            .Register("res.users", "change_password", ChangePasswordAsync)
            .Register("res.users", "copy", CopyUserAsync)
            .Register("res.users", "context_get", ContextGetAsync)
            .Register("res.users", "unlink", UnlinkUserAsync)
            .Register("ir.model.data", "get_object_reference", GetObjectReferenceAsync)
            .Register("ir.model.data", "check_object_reference", GetObjectReferenceAsync)
            .Register("res.groups", "create", CreateGroupAsync)
            .Register("res.groups", "write", WriteGroupAsync)
            .Register("res.company", "create", CreateCompanyAsync)
            .Register("res.partner", "name_get", PartnerNameGetAsync)
            .Register("ir.model.data", "xmlid_to_res_id", XmlIdToResIdAsync)
            .Register("ir.model", "create", RefuseGeneratedAsync)
            .Register("ir.model", "write", RefuseGeneratedAsync)
            .Register("ir.model", "unlink", RefuseGeneratedAsync)
            .Register("ir.model.fields", "create", RefuseGeneratedAsync)
            .Register("ir.model.fields", "write", RefuseGeneratedAsync)
            .Register("ir.model.fields", "unlink", RefuseGeneratedAsync)
            .RegisterCompute("res.users.password", _ => Task.CompletedTask)
            .RegisterCompute("res.users.share", ComputeShareAsync)
            .RegisterCompute("res.groups.full_name", ComputeGroupFullNameAsync)
            .RegisterCompute("res.partner.commercial_partner_id", ComputeCommercialPartnerAsync)
            .RegisterCompute("ir.module.module.dependency.depend_id", ComputeDependencyAsync)
            .RegisterCompute("ir.module.module.dependency.state", ComputeDependencyAsync)
            .RegisterDefault("res.users", "company_id", DefaultCompanyAsync)
            .RegisterDefault("res.partner", "company_id", (_, _) => Task.FromResult<object?>(false));
        ConfigParameters.Register(table);
        Attachments.Register(table);
    }

    /// <summary>Odoo 8's <c>ir.model.data.xmlid_to_res_id(xmlid, raise_if_not_found=False)</c>: the record id, or False.</summary>
    private static async Task<object?> XmlIdToResIdAsync(MethodCall call)
    {
        var a = call.Bind(Required("xmlid"), Optional("raise_if_not_found", false));
        if (a[0] is not string xmlId || !xmlId.Contains('.', StringComparison.Ordinal))
        {
            throw new ValueErrorException("xmlid_to_res_id expects an external id of the form 'module.name'.");
        }

        if (await call.Env.RefAsync(xmlId, call.CancellationToken) is { } id)
        {
            return id;
        }

        return Values.IsTruthy(a[1]) ? throw new ValueErrorException($"External ID not found in the system: {xmlId}") : false;
    }

    private static async Task<object?> CreateUserAsync(MethodCall call)
    {
        var a = call.Bind(Required("vals_list"));
        if (a[0] is IList<object?> list)
        {
            var ids = new List<object?>();
            foreach (var item in list)
            {
                ids.Add(await call.Env.CallAsync("res.users", "create", [item], null, call.CancellationToken));
            }

            return ids;
        }

        var vals = new Dictionary<string, object?>(BuiltinMethods.Dict(a[0], "create"), StringComparer.Ordinal);
        var password = TakePassword(vals);
        if (!vals.TryGetValue("partner_id", out var partner) || partner is null or false)
        {
            // Odoo's users inherit a partner: create it from the user's name and e-mail, which then live there.
            var partnerVals = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["name"] = vals.GetValueOrDefault("name") is string { Length: > 0 } name ? name : vals.GetValueOrDefault("login"),
                ["email"] = vals.GetValueOrDefault("email") ?? false,
            };
            if (vals.GetValueOrDefault("company_id") is { } company and not false)
            {
                partnerVals["company_id"] = company;
            }

            var partnerRecord = await call.Env.Sudo()["res.partner"].CreateAsync(partnerVals, call.CancellationToken);
            vals["partner_id"] = partnerRecord.Id;
            vals.Remove("name");
            vals.Remove("email");
        }

        var created = await call.SuperAsync([vals]);
        var id = Values.ToIds(created)[0];
        if (password is not null)
        {
            await SetPasswordAsync(call.Env, [id], password, call.CancellationToken);
        }

        await GrantImpliedGroupsAsync(call.Env, [id], call.CancellationToken);
        return created;
    }

    /// <summary>What users may change on their own record without write access to users (Odoo's SELF_WRITEABLE_FIELDS).</summary>
    private static readonly HashSet<string> SelfWriteable = new(["password", "signature", "email", "name", "lang", "tz"], StringComparer.Ordinal);

    private static async Task<object?> WriteUserAsync(MethodCall call)
    {
        var a = call.Bind(Required("ids"), Required("vals"));
        var ids = Values.ToIds(a[0]);
        var vals = new Dictionary<string, object?>(BuiltinMethods.Dict(a[1], "write"), StringComparer.Ordinal);
        if (!call.Env.IsSuperuser && ids.Count > 0 && ids.All(id => id == call.Env.Uid) && vals.Keys.All(SelfWriteable.Contains))
        {
            // Preferences: a user edits their own record as the system would.
            return await call.Env.Sudo().CallAsync("res.users", "write", [a[0], vals], null, call.CancellationToken);
        }

        if (vals.TryGetValue("active", out var active) && !Values.IsTruthy(active) && (ids.Contains(call.Env.Uid) || ids.Contains(OrmEnvironment.SuperuserId)))
        {
            throw new UserErrorException("You cannot deactivate the user you're currently logged in as, nor the administrator.");
        }

        var password = TakePassword(vals);
        if (password is not null && !call.Env.IsSuperuser && ids.Any(id => id != call.Env.Uid))
        {
            // Changing someone else's password needs write access on users (the ACL check below), as in Odoo.
            await Reader.CheckRecordsAsync(call.Env, call.Model, ids, Access.AccessOperation.Write, call.CancellationToken);
        }

        if (vals.Count > 0 || password is null)
        {
            await call.SuperAsync([a[0], vals]);
        }
        else
        {
            await Reader.CheckRecordsAsync(call.Env, call.Model, ids, Access.AccessOperation.Write, call.CancellationToken);
            await Writer.EnsureExistAsync(call.Env, call.Model, ids, call.CancellationToken);
        }

        if (password is not null)
        {
            await SetPasswordAsync(call.Env, ids, password, call.CancellationToken);
        }

        if (vals.ContainsKey("groups_id"))
        {
            await GrantImpliedGroupsAsync(call.Env, ids, call.CancellationToken);
        }

        return true;
    }

    private static async Task<object?> CopyUserAsync(MethodCall call)
    {
        var a = call.Bind(Required("id"), Optional("default"));
        var defaults = a[1] is null or false
            ? new Dictionary<string, object?>(StringComparer.Ordinal)
            : new Dictionary<string, object?>(BuiltinMethods.Dict(a[1], "copy"), StringComparer.Ordinal);
        // The copy gets its own partner rather than sharing the original's.
        defaults.TryAdd("partner_id", false);
        if (!defaults.ContainsKey("name"))
        {
            var rows = await call.Env["res.users"].Browse(Values.ToIds(a[0])).ReadAsync(["name"], call.CancellationToken);
            defaults["name"] = $"{rows[0]["name"]} (copy)";
        }

        return await call.SuperAsync([a[0], defaults]);
    }

    private static Task<object?> UnlinkUserAsync(MethodCall call)
    {
        var a = call.Bind(Required("ids"));
        var ids = Values.ToIds(a[0]);
        if (ids.Contains(OrmEnvironment.SuperuserId))
        {
            throw new UserErrorException("You can not remove the admin user as it is used internally for resources created by Odoo (updates, module installation, ...)");
        }

        if (ids.Contains(call.Env.Uid))
        {
            throw new UserErrorException("You can not remove the user you are currently logged in as.");
        }

        return call.SuperAsync();
    }

    /// <summary>context_get(): the user's language and time zone, which clients such as OdooRPC fetch after login.</summary>
    private static async Task<object?> ContextGetAsync(MethodCall call)
    {
        call.Bind();
        var rows = await call.Env.Sudo()["res.users"].Browse(call.Env.Uid).ReadAsync(["lang", "tz"], call.CancellationToken);
        var row = rows.Count == 1 ? rows[0] : new Dictionary<string, object?>();
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["lang"] = row.GetValueOrDefault("lang") is string { Length: > 0 } lang ? lang : "en_US",
            ["tz"] = row.GetValueOrDefault("tz") ?? false,
            ["uid"] = call.Env.Uid,
        };
    }

    /// <summary>get_object_reference(module, xml_id) → [model, res_id]; a ValueError when it does not exist.</summary>
    private static async Task<object?> GetObjectReferenceAsync(MethodCall call)
    {
        var a = call.Bind(Required("module"), Required("xml_id"));
        if (a[0] is not string module || a[1] is not string name)
        {
            throw new ValueErrorException("get_object_reference() takes a module and a name");
        }

        var rows = await call.Env.Sudo()["ir.model.data"].SearchAsync(
            new List<object?> { new List<object?> { "module", "=", module }, new List<object?> { "name", "=", name } }, call.CancellationToken, limit: 1);
        if (rows.Count == 0)
        {
            throw new ValueErrorException($"External ID not found in the system: {module}.{name}");
        }

        var row = (await rows.ReadAsync(["model", "res_id"], call.CancellationToken))[0];
        return new List<object?> { row["model"], row["res_id"] };
    }

    private static string? TakePassword(Dictionary<string, object?> vals)
    {
        if (!vals.Remove("password", out var value) || value is null or false)
        {
            return null;
        }

        return value as string is { Length: > 0 } text
            ? text
            : throw new ValidationErrorException("The password must be a non-empty string.");
    }

    /// <summary>Stores the Argon2id hash of <paramref name="password"/> for the users (the only way the hash column is written).</summary>
    public static async Task SetPasswordAsync(OrmEnvironment env, IReadOnlyList<int> ids, string password, CancellationToken cancellationToken)
    {
        foreach (var id in ids)
        {
            var hash = await PasswordHasher.HashAsync(password, env.Settings.PasswordHashing);
            var sql = new SqlBuilder(env.Transaction.Dialect).Append("UPDATE \"res_users\" SET \"password_crypt\" = ").Value(hash)
                .Append(", \"write_uid\" = ").Value(env.Uid).Append(", \"write_date\" = ").Value(Values.Now())
                .Append(" WHERE \"id\" = ").Value(id);
            await env.Transaction.ExecuteAsync(sql, cancellationToken);
        }
    }

    private static async Task<object?> ChangePasswordAsync(MethodCall call)
    {
        var a = call.Bind(Required("old_passwd"), Required("new_passwd"));
        if (a[1] is not string { Length: > 0 } newPassword)
        {
            throw new UserErrorException("Setting empty passwords is not allowed for security reasons!");
        }

        var sql = new SqlBuilder(call.Env.Transaction.Dialect).Append("SELECT \"password_crypt\" FROM \"res_users\" WHERE \"id\" = ").Value(call.Env.Uid);
        var hash = await call.Env.Transaction.ScalarAsync(sql, call.CancellationToken) as string;
        if (a[0] is not string oldPassword || !await PasswordHasher.VerifyAsync(oldPassword, hash))
        {
            throw new AccessDeniedException();
        }

        await SetPasswordAsync(call.Env, [call.Env.Uid], newPassword, call.CancellationToken);
        return true;
    }

    /// <summary>
    /// has_group(group_ext_id) asks about the calling user (Odoo 8); has_group([uid], group_ext_id) about another.
    /// </summary>
    private static async Task<object?> HasGroupAsync(MethodCall call)
    {
        var env = call.Env;
        string? xmlId;
        var uid = env.Uid;
        if (call.Args.Count >= 2 && call.Args[0] is not string)
        {
            var ids = Values.ToIds(call.Args[0]);
            uid = ids.Count == 1 ? ids[0] : throw new ValueErrorException("has_group() checks one user at a time");
            xmlId = call.Args[1] as string;
        }
        else
        {
            var a = call.Bind(Required("group_ext_id"));
            xmlId = a[0] as string;
        }

        if (xmlId is null || !xmlId.Contains('.', StringComparison.Ordinal))
        {
            throw new ValueErrorException("has_group() takes a fully qualified xml id such as 'base.group_user'");
        }

        return await env.WithUser(uid).Access.HasGroupAsync(env.WithUser(uid), xmlId, call.CancellationToken);
    }

    private static async Task<object?> DefaultCompanyAsync(OrmEnvironment env, CancellationToken cancellationToken)
    {
        var sql = new SqlBuilder(env.Transaction.Dialect).Append("SELECT \"company_id\" FROM \"res_users\" WHERE \"id\" = ").Value(env.Uid);
        return await env.Transaction.ScalarAsync(sql, cancellationToken) is { } company
            ? Convert.ToInt32(company, CultureInfo.InvariantCulture)
            : false;
    }

    /// <summary>Adds to the users every group implied by their groups, as Odoo stores them.</summary>
    private static async Task GrantImpliedGroupsAsync(OrmEnvironment env, IReadOnlyList<int> users, CancellationToken cancellationToken)
    {
        var dialect = env.Transaction.Dialect;
        foreach (var uid in users)
        {
            var sql = new SqlBuilder(dialect)
                .Append("WITH RECURSIVE g(id) AS (SELECT \"gid\" FROM \"res_groups_users_rel\" WHERE \"uid\" = ").Value(uid)
                .Append(" UNION SELECT r.\"hid\" FROM \"res_groups_implied_rel\" r JOIN g ON r.\"gid\" = g.id)")
                .Append(" SELECT id FROM g WHERE id NOT IN (SELECT \"gid\" FROM \"res_groups_users_rel\" WHERE \"uid\" = ").Value(uid).Append(")");
            var missing = await env.Transaction.IdsAsync(sql, cancellationToken);
            if (missing.Count > 0)
            {
                var links = missing.Select(g => (object?)new List<object?> { 4, g }).ToList();
                await env.Sudo().CallAsync("res.users", "write", [new List<object?> { uid }, new Dictionary<string, object?> { ["groups_id"] = links }], null, cancellationToken);
            }
        }
    }

    private static async Task<object?> CreateGroupAsync(MethodCall call)
    {
        var result = await call.SuperAsync();
        await PropagateGroupUsersAsync(call.Env, Values.ToIds(result), call.CancellationToken);
        return result;
    }

    private static async Task<object?> WriteGroupAsync(MethodCall call)
    {
        var a = call.Bind(Required("ids"), Required("vals"));
        var result = await call.SuperAsync();
        var vals = BuiltinMethods.Dict(a[1], "write");
        if (vals.ContainsKey("users") || vals.ContainsKey("implied_ids"))
        {
            await PropagateGroupUsersAsync(call.Env, Values.ToIds(a[0]), call.CancellationToken);
        }

        return result;
    }

    /// <summary>The users of these groups get every group the groups imply.</summary>
    private static async Task PropagateGroupUsersAsync(OrmEnvironment env, IReadOnlyList<int> groups, CancellationToken cancellationToken)
    {
        if (groups.Count == 0)
        {
            return;
        }

        var sql = new SqlBuilder(env.Transaction.Dialect).Append("SELECT DISTINCT \"uid\" FROM \"res_groups_users_rel\" WHERE \"gid\" IN ").ValueList(groups);
        var users = await env.Transaction.IdsAsync(sql, cancellationToken);
        await GrantImpliedGroupsAsync(env, users, cancellationToken);
    }

    private static async Task<object?> CreateCompanyAsync(MethodCall call)
    {
        var a = call.Bind(Required("vals_list"));
        if (a[0] is IList<object?> list)
        {
            var ids = new List<object?>();
            foreach (var item in list)
            {
                ids.Add(await call.Env.CallAsync("res.company", "create", [item], null, call.CancellationToken));
            }

            return ids;
        }

        var vals = new Dictionary<string, object?>(BuiltinMethods.Dict(a[0], "create"), StringComparer.Ordinal);
        if (!vals.TryGetValue("partner_id", out var partner) || partner is null or false)
        {
            var created = await call.Env.Sudo()["res.partner"].CreateAsync(new Dictionary<string, object?>
            {
                ["name"] = vals.GetValueOrDefault("name"),
                ["is_company"] = true,
                ["email"] = vals.GetValueOrDefault("email") ?? false,
                ["phone"] = vals.GetValueOrDefault("phone") ?? false,
            }, call.CancellationToken);
            vals["partner_id"] = created.Id;
        }

        return await call.SuperAsync([vals]);
    }

    /// <summary>Odoo 8's partner names: a contact of a company shows as "Company, Contact".</summary>
    private static async Task<object?> PartnerNameGetAsync(MethodCall call)
    {
        var a = call.Bind(Required("ids"));
        var ids = Values.ToIds(a[0]).Distinct().ToList();
        var env = call.Env;
        if (!env.IsSuperuser)
        {
            await Reader.CheckRecordsAsync(env, call.Model, ids, Access.AccessOperation.Read, call.CancellationToken);
        }

        var model = call.Model;
        var rows = await Reader.ReadColumnsAsync(env, model, ids, [model.GetField("name"), model.GetField("parent_id"), model.GetField("is_company")], call.CancellationToken);
        var parents = rows.Values.Select(r => r["parent_id"]).Where(p => p is not null).Select(p => Convert.ToInt32(p, CultureInfo.InvariantCulture)).Distinct().ToList();
        var parentNames = await Reader.DefaultNamesAsync(env, model, parents, call.CancellationToken);
        var result = new List<object?>();
        foreach (var id in ids)
        {
            if (!rows.TryGetValue(id, out var row))
            {
                continue;
            }

            var name = row["name"] as string ?? "";
            var isCompany = row["is_company"] is { } c && Values.IsTruthy(c is long l ? l != 0 : c);
            if (!isCompany && row["parent_id"] is { } parent && parentNames.TryGetValue(Convert.ToInt32(parent, CultureInfo.InvariantCulture), out var parentName))
            {
                name = $"{parentName}, {name}";
            }

            result.Add(new List<object?> { id, name });
        }

        return result;
    }

    private static Task<object?> RefuseGeneratedAsync(MethodCall call) =>
        throw new UserErrorException($"{call.Model.Name} is generated from the installed modules and cannot be changed directly.");

    private static async Task ComputeShareAsync(ComputeCall call)
    {
        var employee = await call.Env.RefAsync("base.group_user", call.CancellationToken);
        foreach (var id in call.Ids)
        {
            var member = false;
            if (employee is { } gid)
            {
                var env = call.Env.WithUser(id);
                member = (await env.Access.GroupsAsync(env, call.CancellationToken)).Contains(gid);
            }

            call.Set(id, "share", !member);
        }
    }

    private static async Task ComputeGroupFullNameAsync(ComputeCall call)
    {
        var rows = await call.Records.Sudo().ReadAsync(["name", "category_id"], call.CancellationToken);
        foreach (var row in rows)
        {
            var name = row["name"] as string ?? "";
            call.Set((int)row["id"]!, "full_name", row["category_id"] is IList<object?> { Count: 2 } category ? $"{category[1]} / {name}" : name);
        }
    }

    /// <summary>The commercial entity: the nearest ancestor that is a company, else the top of the chain. Reads one level per query.</summary>
    private static async Task ComputeCommercialPartnerAsync(ComputeCall call)
    {
        var sudo = call.Env.Sudo();
        var model = call.Model;
        var fields = new[] { model.GetField("parent_id"), model.GetField("is_company") };
        var known = new Dictionary<int, (int? Parent, bool IsCompany)>();
        var pending = call.Ids.Distinct().ToList();
        for (var depth = 0; pending.Count > 0 && depth < 64; depth++)
        {
            var rows = await Reader.ReadColumnsAsync(sudo, model, pending, fields, call.CancellationToken);
            foreach (var (id, row) in rows)
            {
                var isCompany = row["is_company"] is { } flag && (flag is bool b ? b : Convert.ToInt64(flag, CultureInfo.InvariantCulture) != 0);
                known[id] = (row["parent_id"] is { } parent ? Convert.ToInt32(parent, CultureInfo.InvariantCulture) : null, isCompany);
            }

            pending = rows.Values.Select(r => r["parent_id"]).Where(p => p is not null).Select(p => Convert.ToInt32(p, CultureInfo.InvariantCulture))
                .Where(p => !known.ContainsKey(p)).Distinct().ToList();
        }

        foreach (var id in call.Ids)
        {
            var current = id;
            var seen = new HashSet<int>();
            while (seen.Add(current) && known.TryGetValue(current, out var node) && !node.IsCompany && node.Parent is { } parent && known.ContainsKey(parent))
            {
                current = parent;
            }

            call.Set(id, "commercial_partner_id", current);
        }
    }

    private static async Task ComputeDependencyAsync(ComputeCall call)
    {
        var sudo = call.Env.Sudo();
        var rows = await call.Records.Sudo().ReadAsync(["name"], call.CancellationToken);
        foreach (var row in rows)
        {
            var id = (int)row["id"]!;
            var found = row["name"] is string name
                ? await sudo["ir.module.module"].SearchAsync(Domain.Leaf("name", "=", name), call.CancellationToken, limit: 1)
                : null;
            if (found is { Count: 1 })
            {
                call.Set(id, "depend_id", found.Id);
                call.Set(id, "state", await found.GetAsync("state", call.CancellationToken));
            }
            else
            {
                call.Set(id, "state", "unknown");
            }
        }
    }
}
