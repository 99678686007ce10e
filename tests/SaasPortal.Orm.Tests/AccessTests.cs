using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Tests.Infrastructure;

namespace SaasPortal.Orm.Tests;

/// <summary>Model access rules, record rules, field groups and read-only fields for users other than the superuser.</summary>
public abstract class AccessTests(OrmFixture fixture) : OrmTestBase(fixture)
{
    [Fact]
    public async Task Without_an_access_rule_for_any_of_their_groups_a_user_gets_an_AccessError()
    {
        var error = await Assert.ThrowsAsync<AccessErrorException>(() => Demo("res.partner", "create", D(("name", "Nope"))));
        Assert.StartsWith("Sorry, you are not allowed to create this kind of document.", error.Message);
        Assert.Contains("(Document model: res.partner)", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, error.FaultCode);

        var search = await Assert.ThrowsAsync<AccessErrorException>(() => Portal("test.tag", "search", L()));
        Assert.StartsWith("Sorry, you are not allowed to access this document.", search.Message);
        var modify = await Assert.ThrowsAsync<AccessErrorException>(() => Portal("test.record", "write", L(1), D(("name", "x"))));
        Assert.StartsWith("Sorry, you are not allowed to modify this document.", modify.Message);
    }

    [Fact]
    public async Task Access_rules_of_the_users_groups_and_global_ones_grant_operations()
    {
        var id = (int)(await Demo("test.record", "create", D(("name", Unique("demo")))))!;
        Assert.Equal(true, await Demo("test.record", "write", L(id), D(("amount", 2.0))));
        Assert.NotEmpty((List<object?>)(await Demo("res.partner", "search_read", L(), L("name")))!);
        Assert.Equal(true, await Demo("test.record", "unlink", L(id)));
        Assert.Equal(true, await Demo("test.record", "check_access_rights", "unlink"));
        Assert.Equal(false, await Demo("res.partner", "check_access_rights", "create", false));
        await Assert.ThrowsAsync<AccessErrorException>(() => Demo("res.partner", "check_access_rights", "create"));
    }

    [Fact]
    public async Task Record_rules_hide_other_records_from_search_and_refuse_reading_them()
    {
        var own = await CreateRecord(("partner_id", Users.PortalPartner));
        var foreign = await CreateRecord();

        var visible = Ids(await Portal("test.record", "search", L()));
        Assert.Contains(own, visible);
        Assert.DoesNotContain(foreign, visible);
        Assert.Equal(1, await Portal("test.record", "search_count", L(L("id", "in", L(own, foreign)))));

        var rows = (List<object?>)(await Portal("test.record", "read", L(own), L("name")))!;
        Assert.Single(rows);
        var error = await Assert.ThrowsAsync<AccessErrorException>(() => Portal("test.record", "read", L(foreign), L("name")));
        Assert.Contains("security restrictions", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Linked_records_hidden_by_rules_are_left_out_of_x2many_values()
    {
        var (database, users) = await Fixture.CreateDatabaseAsync(Ct);
        var (record, small) = await Fixture.Service.RunAsync(database, 1, true, async env =>
        {
            await env["ir.rule"].CreateAsync(D(("name", "small lines"), ("model_id", await BaseData.ModelIdAsync(env, "test.line", Ct)),
                ("domain_force", "[('amount', '<', 100)]"), ("groups", L(L(4, users.Groups["group_portal"])))), Ct);
            var created = await env["test.record"].CreateAsync(D(("name", "mixed"), ("partner_id", users.PortalPartner),
                ("line_ids", L(L(0, 0, D(("amount", 1.0))), L(0, 0, D(("amount", 500.0)))))), Ct);
            var lines = (List<object?>)(await created.GetAsync("line_ids", Ct))!;
            return (created.Id, (int)lines[0]!);
        }, Ct);
        var row = (Dictionary<string, object?>)((List<object?>)(await Calls.ExecuteKwAsync(database, users.Portal, "portal", "test.record", "read",
            L(L(record), L("line_ids")), D(), Ct))!)[0]!;
        Assert.Equal(L(small), row["line_ids"]);
    }

    [Fact]
    public async Task The_superuser_bypasses_access_rules_and_record_rules()
    {
        var id = await CreateRecord(("partner_id", Users.PortalPartner));
        Assert.Contains(id, Ids(await Admin("test.record", "search", L())));
        Assert.NotNull(await Admin("ir.model.access", "search", L()));
    }

    [Fact]
    public async Task Fields_restricted_to_groups_are_hidden_from_other_users()
    {
        var id = (int)(await Admin("test.record", "create", D(("name", Unique("s")), ("secret", "42"))))!;
        Assert.Equal("42", (await ReadOne("test.record", id, "secret"))["secret"]);

        var all = (Dictionary<string, object?>)((List<object?>)(await Demo("test.record", "read", L(id)))!)[0]!;
        Assert.False(all.ContainsKey("secret"));
        await Assert.ThrowsAsync<AccessErrorException>(() => Demo("test.record", "read", L(id), L("secret")));
        await Assert.ThrowsAsync<AccessErrorException>(() => Demo("test.record", "write", L(id), D(("secret", "x"))));
        var fields = (Dictionary<string, object?>)(await Demo("test.record", "fields_get", L(), L("type")))!;
        Assert.False(fields.ContainsKey("secret"));
        Assert.True(((Dictionary<string, object?>)(await Admin("test.record", "fields_get", L(), L("type")))!).ContainsKey("secret"));
    }

    [Fact]
    public async Task Readonly_fields_are_refused_to_users_but_not_to_the_superuser()
    {
        var id = (int)(await Demo("test.record", "create", D(("name", Unique("ro")))))!;
        var error = await Assert.ThrowsAsync<AccessErrorException>(() => Demo("test.record", "write", L(id), D(("locked", "x"))));
        Assert.Contains("test.record.locked", error.Message, StringComparison.Ordinal);
        Assert.Equal(true, await Admin("test.record", "write", L(id), D(("locked", "x"))));
    }

    [Fact]
    public async Task Implied_groups_grant_their_access_rules_and_has_group_sees_them()
    {
        var manager = (int)(await Admin("res.users", "create", D(("name", "Manager"), ("login", Unique("mgr")), ("password", "pw"),
            ("groups_id", L(L(6, 0, L(Users.Groups["group_user"], Users.Groups["group_system"])))))))!;
        var groups = Ids((await ReadOne("res.users", manager, "groups_id"))["groups_id"]);
        Assert.Contains(Users.Groups["group_erp_manager"], groups);

        // res.users write is granted to group_erp_manager only, which group_system implies.
        Assert.Equal(true, await Calls.ExecuteKwAsync(Fixture.Database, manager, "pw", "res.users", "write",
            L(L(Users.Demo), D(("signature", "<p>hi</p>"))), D(), Ct));
        Assert.Equal(true, await Calls.ExecuteKwAsync(Fixture.Database, manager, "pw", "res.users", "has_group", L("base.group_erp_manager"), D(), Ct));
        Assert.Equal(false, await Demo("res.users", "has_group", "base.group_system"));
        Assert.Equal(true, await Demo("res.users", "has_group", "base.group_user"));
        Assert.Equal(true, await Admin("res.users", "has_group", L(manager), "base.group_system"));
    }

    [Fact]
    public async Task Global_rules_are_ANDed_and_group_rules_ORed()
    {
        var (database, users) = await Fixture.CreateDatabaseAsync(Ct);
        Task<object?> AsDemo(string method, params object?[] args) =>
            Calls.ExecuteKwAsync(database, users.Demo, "demo", "test.tag", method, args, D(), Ct);
        var small = await Fixture.Service.RunAsync(database, 1, true, async env =>
        {
            var model = await BaseData.ModelIdAsync(env, "test.tag", Ct);
            var ids = new List<int>();
            foreach (var (name, color) in new[] { ("t1", 1), ("t2", 2), ("t3", 3), ("t4", 40) })
            {
                ids.Add((await env["test.tag"].CreateAsync(D(("name", name), ("color", color)), Ct)).Id);
            }

            await env["ir.rule"].CreateAsync(D(("name", "global"), ("model_id", model), ("domain_force", "[('color', '<', 10)]")), Ct);
            await env["ir.rule"].CreateAsync(D(("name", "employees 1"), ("model_id", model), ("domain_force", "[('color', '=', 1)]"),
                ("groups", L(L(4, users.Groups["group_user"])))), Ct);
            await env["ir.rule"].CreateAsync(D(("name", "employees 2"), ("model_id", model), ("domain_force", "[('name', '=', 't2')]"),
                ("groups", L(L(4, users.Groups["group_user"])))), Ct);
            await env["ir.rule"].CreateAsync(D(("name", "portal only"), ("model_id", model), ("domain_force", "[(0, '=', 1)]"),
                ("groups", L(L(4, users.Groups["group_portal"])))), Ct);
            return ids;
        }, Ct);

        Assert.Equal(small.Take(2).ToList(), Ids(await AsDemo("search", L(), 0, 0, "id")));
        await Assert.ThrowsAsync<AccessErrorException>(() => AsDemo("write", L(small[2]), D(("color", 5))));
        Assert.Equal(true, await AsDemo("write", L(small[0]), D(("color", 1))));
    }

    [Fact]
    public async Task Rule_domains_evaluate_user_attributes_without_executing_code()
    {
        var (database, users) = await Fixture.CreateDatabaseAsync(Ct);
        var result = await Fixture.Service.RunAsync(database, 1, true, async env =>
        {
            var model = await BaseData.ModelIdAsync(env, "test.record", Ct);
            await env["ir.rule"].CreateAsync(D(("name", "mine"), ("model_id", model),
                ("domain_force", "['|', ('owner_id', '=', user.id), '&', ('partner_id', 'in', [user.partner_id.id, user.commercial_partner_id.id]), ('sequence', 'in', user.groups_id.ids)]")), Ct);
            var mine = await env["test.record"].CreateAsync(D(("name", "mine"), ("owner_id", users.Demo)), Ct);
            await env["test.record"].CreateAsync(D(("name", "theirs"), ("owner_id", users.Portal)), Ct);
            await env["ir.rule"].CreateAsync(D(("name", "evil"), ("model_id", await BaseData.ModelIdAsync(env, "test.tag", Ct)),
                ("domain_force", "[('name', '=', __import__('os').system('true'))]")), Ct);
            return mine.Id;
        }, Ct);

        var visible = Ids(await Calls.ExecuteKwAsync(database, users.Demo, "demo", "test.record", "search", L(L()), D(), Ct));
        Assert.Equal([result], visible);
        var evil = await Assert.ThrowsAsync<ValueErrorException>(() =>
            Calls.ExecuteKwAsync(database, users.Demo, "demo", "test.tag", "search", L(L()), D(), Ct));
        Assert.Contains("not allowed", evil.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sudo_lets_trusted_code_bypass_access_control()
    {
        var count = await Fixture.Service.RunAsync(Fixture.Database, Users.Portal, false, async env =>
        {
            await Assert.ThrowsAsync<AccessErrorException>(() => env["test.tag"].SearchAsync(L(), Ct));
            return (await env.Sudo()["test.tag"].SearchAsync(L(), Ct)).Count;
        }, Ct);
        Assert.True(count >= 0);
    }

    [Fact]
    public async Task System_parameters_restricted_to_groups_are_invisible_to_other_users()
    {
        var key = Unique("param");
        Assert.Equal(false, await Admin("ir.config_parameter", "set_param", key + ".open", "1"));
        Assert.Equal(false, await Admin("ir.config_parameter", "set_param", key, "hidden", L("base.group_no_one")));
        Assert.Equal("hidden", await Admin("ir.config_parameter", "get_param", key));
        Assert.Equal("1", await Demo("ir.config_parameter", "get_param", key + ".open"));
        Assert.Equal("dflt", await Demo("ir.config_parameter", "get_param", key, "dflt"));
        Assert.Empty((List<object?>)(await Demo("ir.config_parameter", "search", L(L("key", "=", key))))!);
    }
}

public sealed class SqliteAccessTests(SqliteOrmFixture fixture) : AccessTests(fixture), IClassFixture<SqliteOrmFixture>;

public sealed class PostgresAccessTests(PostgresOrmFixture fixture) : AccessTests(fixture), IClassFixture<PostgresOrmFixture>;

public sealed class SqliteHttpAccessTests(SqliteHttpOrmFixture fixture) : AccessTests(fixture), IClassFixture<SqliteHttpOrmFixture>;

public sealed class PostgresHttpAccessTests(PostgresHttpOrmFixture fixture) : AccessTests(fixture), IClassFixture<PostgresHttpOrmFixture>;

public sealed class SqliteJsonRpcAccessTests(SqliteJsonRpcOrmFixture fixture) : AccessTests(fixture), IClassFixture<SqliteJsonRpcOrmFixture>;
