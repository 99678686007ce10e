using SaasPortal.Orm.Domains;

namespace SaasPortal.Orm.Tests.Infrastructure;

/// <summary>The users a test database starts with (passwords equal logins).</summary>
public sealed record TestUsers(int Admin, int Demo, int Portal, int PortalPartner, IReadOnlyDictionary<string, int> Groups);

/// <summary>
/// What base's data files give a real database, made through the ORM's own API: groups with xml ids, access
/// rules, a record rule, a company and three users.
/// </summary>
internal static class BaseData
{
    public static async Task<TestUsers> InstallAsync(OrmEnvironment env, CancellationToken ct)
    {
        await SchemaManager.UpdateAsync(env, ct);
        var groups = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (xmlId, name) in new[]
        {
            ("group_user", "Employee"), ("group_portal", "Portal"), ("group_public", "Public"), ("group_erp_manager", "Access Rights"),
            ("group_system", "Settings"), ("group_partner_manager", "Contact Creation"), ("group_no_one", "Technical Features"),
        })
        {
            var group = await env["res.groups"].CreateAsync(new Dictionary<string, object?> { ["name"] = name }, ct);
            groups[xmlId] = group.Id;
            await XmlIdAsync(env, "base", xmlId, "res.groups", group.Id, ct);
        }

        await env["res.groups"].Browse(groups["group_system"]).WriteAsync(new Dictionary<string, object?>
        {
            ["implied_ids"] = new List<object?> { new List<object?> { 4, groups["group_erp_manager"] } },
        }, ct);

        int User(string g) => groups[g];
        await AclAsync(env, "res.partner", null, ct, read: true);
        await AclAsync(env, "res.partner", User("group_partner_manager"), ct, read: true, write: true, create: true, unlink: true);
        await AclAsync(env, "res.users", null, ct, read: true);
        await AclAsync(env, "res.users", User("group_erp_manager"), ct, read: true, write: true, create: true, unlink: true);
        await AclAsync(env, "res.groups", User("group_user"), ct, read: true);
        await AclAsync(env, "res.company", null, ct, read: true);
        await AclAsync(env, "res.country", null, ct, read: true);
        await AclAsync(env, "ir.module.category", User("group_user"), ct, read: true);
        await AclAsync(env, "ir.config_parameter", User("group_system"), ct, read: true, write: true, create: true, unlink: true);
        await AclAsync(env, "ir.config_parameter", User("group_user"), ct, read: true);
        await AclAsync(env, "ir.attachment", User("group_user"), ct, read: true, write: true, create: true, unlink: true);
        await AclAsync(env, "ir.model", User("group_user"), ct, read: true);
        await AclAsync(env, "test.record", User("group_user"), ct, read: true, write: true, create: true, unlink: true);
        await AclAsync(env, "test.record", User("group_portal"), ct, read: true);
        await AclAsync(env, "test.line", User("group_user"), ct, read: true, write: true, create: true, unlink: true);
        await AclAsync(env, "test.line", User("group_portal"), ct, read: true);
        await AclAsync(env, "test.tag", User("group_user"), ct, read: true, write: true, create: true, unlink: true);
        await AclAsync(env, "test.category", User("group_user"), ct, read: true, write: true, create: true, unlink: true);

        var company = await env["res.company"].CreateAsync(new Dictionary<string, object?> { ["name"] = "Test Company" }, ct);
        await env["res.users"].Browse(1).WriteAsync(new Dictionary<string, object?>
        {
            ["password"] = "admin",
            ["company_id"] = company.Id,
            ["groups_id"] = new List<object?> { new List<object?> { 6, 0, new List<object?> { User("group_user"), User("group_system"), User("group_partner_manager") } } },
        }, ct);
        var demo = await env["res.users"].CreateAsync(new Dictionary<string, object?>
        {
            ["name"] = "Demo User", ["login"] = "demo", ["password"] = "demo", ["email"] = "demo@example.com",
            ["groups_id"] = new List<object?> { new List<object?> { 6, 0, new List<object?> { User("group_user") } } },
        }, ct);
        var portal = await env["res.users"].CreateAsync(new Dictionary<string, object?>
        {
            ["name"] = "Portal User", ["login"] = "portal", ["password"] = "portal",
            ["groups_id"] = new List<object?> { new List<object?> { 6, 0, new List<object?> { User("group_portal") } } },
        }, ct);
        var portalPartner = (int)((List<object?>)(await portal.GetAsync("partner_id", ct))!)[0]!;

        var testRecordModel = await ModelIdAsync(env, "test.record", ct);
        await env["ir.rule"].CreateAsync(new Dictionary<string, object?>
        {
            ["name"] = "Portal users see their own records",
            ["model_id"] = testRecordModel,
            ["groups"] = new List<object?> { new List<object?> { 4, User("group_portal") } },
            ["domain_force"] = "[('partner_id', '=', user.partner_id.id)]",
            ["perm_read"] = true, ["perm_write"] = false, ["perm_create"] = false, ["perm_unlink"] = false,
        }, ct);
        return new TestUsers(1, demo.Id, portal.Id, portalPartner, groups);
    }

    public static async Task XmlIdAsync(OrmEnvironment env, string module, string name, string model, int id, CancellationToken ct) =>
        await env["ir.model.data"].CreateAsync(new Dictionary<string, object?> { ["module"] = module, ["name"] = name, ["model"] = model, ["res_id"] = id }, ct);

    public static async Task<int> ModelIdAsync(OrmEnvironment env, string model, CancellationToken ct) =>
        (await env["ir.model"].SearchAsync(Domain.Leaf("model", "=", model), ct)).Id;

    public static async Task AclAsync(OrmEnvironment env, string model, int? group, CancellationToken ct,
        bool read = false, bool write = false, bool create = false, bool unlink = false)
    {
        await env["ir.model.access"].CreateAsync(new Dictionary<string, object?>
        {
            ["name"] = $"{model} {group}",
            ["model_id"] = await ModelIdAsync(env, model, ct),
            ["group_id"] = group is { } g ? g : false,
            ["perm_read"] = read, ["perm_write"] = write, ["perm_create"] = create, ["perm_unlink"] = unlink,
        }, ct);
    }
}
