using System.Security.Cryptography;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Tests.Infrastructure;

namespace SaasPortal.Orm.Tests;

/// <summary>The kernel models' own behaviour: users, partners, groups, companies, parameters, attachments, introspection.</summary>
public abstract class KernelTests(OrmFixture fixture) : OrmTestBase(fixture)
{
    [Fact]
    public async Task A_user_is_created_with_a_partner_holding_its_name_and_email()
    {
        var login = Unique("u");
        var uid = (int)(await Admin("res.users", "create", D(("name", "New User"), ("login", login), ("email", "new@example.com"))))!;
        var user = await ReadOne("res.users", uid, "name", "email", "partner_id", "company_id", "login");
        var partner = (List<object?>)user["partner_id"]!;
        Assert.Equal("New User", partner[1]);
        Assert.Equal("new@example.com", (await ReadOne("res.partner", (int)partner[0]!, "email"))["email"]);
        Assert.Equal("New User", user["name"]);
        Assert.Equal(login, user["login"]);
        Assert.NotEqual(false, user["company_id"]);

        await Admin("res.users", "write", L(uid), D(("name", "Renamed")));
        Assert.Equal("Renamed", (await ReadOne("res.partner", (int)partner[0]!, "name"))["name"]);
        Assert.Equal(L(uid), await Admin("res.users", "search", L(L("name", "=", "Renamed"))));

        var duplicate = await Assert.ThrowsAsync<ValidationErrorException>(() => Admin("res.users", "create", D(("name", "Again"), ("login", login))));
        Assert.Contains("res.users.login", duplicate.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_administrator_cannot_be_deleted_or_deactivated()
    {
        var deleted = await Assert.ThrowsAsync<UserErrorException>(() => Admin("res.users", "unlink", L(1)));
        Assert.StartsWith("You can not remove the admin user", deleted.Message);
        await Assert.ThrowsAsync<UserErrorException>(() => Admin("res.users", "write", L(1), D(("active", false))));
        var uid = (int)(await Admin("res.users", "create", D(("name", "Temp"), ("login", Unique("tmp")))))!;
        Assert.Equal(true, await Admin("res.users", "unlink", L(uid)));
    }

    [Fact]
    public async Task Share_is_true_for_users_outside_the_employee_group()
    {
        Assert.Equal(false, (await ReadOne("res.users", Users.Demo, "share"))["share"]);
        Assert.Equal(true, (await ReadOne("res.users", Users.Portal, "share"))["share"]);
        var uid = (int)(await Admin("res.users", "create", D(("name", "Switch"), ("login", Unique("sw")))))!;
        Assert.Equal(true, (await ReadOne("res.users", uid, "share"))["share"]);
        await Admin("res.groups", "write", L(Users.Groups["group_user"]), D(("users", L(L(4, uid)))));
        Assert.Equal(false, (await ReadOne("res.users", uid, "share"))["share"]);
        Assert.Contains(uid, Ids(await Admin("res.users", "search", L(L("share", "=", false)))));
    }

    [Fact]
    public async Task Implying_a_group_gives_it_to_the_groups_users()
    {
        var extra = (int)(await Admin("res.groups", "create", D(("name", Unique("Extra")))))!;
        await Admin("res.groups", "write", L(Users.Groups["group_user"]), D(("implied_ids", L(L(4, extra)))));
        Assert.Contains(extra, Ids((await ReadOne("res.users", Users.Demo, "groups_id"))["groups_id"]));
    }

    [Fact]
    public async Task Group_full_name_includes_its_category()
    {
        var category = (int)(await Admin("ir.module.category", "create", D(("name", "Sales"))))!;
        var group = (int)(await Admin("res.groups", "create", D(("name", "Manager"), ("category_id", category))))!;
        Assert.Equal("Sales / Manager", (await ReadOne("res.groups", group, "full_name"))["full_name"]);
    }

    [Fact]
    public async Task A_company_gets_a_partner_and_commercial_partner_follows_the_parents()
    {
        var company = (int)(await Admin("res.company", "create", D(("name", Unique("Co")))))!;
        var partner = (List<object?>)(await ReadOne("res.company", company, "partner_id"))["partner_id"]!;
        Assert.Equal(true, (await ReadOne("res.partner", (int)partner[0]!, "is_company"))["is_company"]);

        var contact = (int)(await Admin("res.partner", "create", D(("name", "Contact"), ("parent_id", partner[0]))))!;
        Assert.Equal(partner[0], ((List<object?>)(await ReadOne("res.partner", contact, "commercial_partner_id"))["commercial_partner_id"]!)[0]);
    }

    [Fact]
    public async Task Set_param_returns_the_previous_value_and_False_deletes()
    {
        var key = Unique("k");
        Assert.Equal(false, await Admin("ir.config_parameter", "get_param", key));
        Assert.Equal(false, await Admin("ir.config_parameter", "set_param", key, "one"));
        Assert.Equal("one", await Admin("ir.config_parameter", "set_param", key, "two"));
        Assert.Equal("two", await Admin("ir.config_parameter", "get_param", key));
        Assert.Equal("two", await Admin("ir.config_parameter", "set_param", key, false));
        Assert.Equal("gone", await Admin("ir.config_parameter", "get_param", key, "gone"));
        await Admin("ir.config_parameter", "set_param", key, "x");
        await Assert.ThrowsAsync<ValidationErrorException>(() => Admin("ir.config_parameter", "create", D(("key", key), ("value", "dup"))));
    }

    [Fact]
    public async Task Attachments_live_in_the_content_addressed_file_store()
    {
        var content = "hello attachment"u8.ToArray();
        var sha = Convert.ToHexStringLower(SHA256.HashData(content));
        var id = (int)(await Demo("ir.attachment", "create", D(("name", "hello.txt"), ("datas", Convert.ToBase64String(content)), ("res_model", "test.record"), ("res_id", 1))))!;
        var row = await ReadOne("ir.attachment", id, "datas", "file_size", "checksum", "mimetype", "store_fname");
        Assert.Equal(Convert.ToBase64String(content), row["datas"]);
        Assert.Equal(content.Length, row["file_size"]);
        Assert.Equal(sha, row["checksum"]);
        Assert.Equal("text/plain", row["mimetype"]);
        var path = Path.Combine(Fixture.Databases.DataDirectory, "filestore", Fixture.Database, sha[..2], sha);
        Assert.Equal(content, await File.ReadAllBytesAsync(path, Ct));

        var twin = (int)(await Demo("ir.attachment", "create", D(("name", "twin.txt"), ("datas", Convert.ToBase64String(content)))))!;
        Assert.Equal($"{sha[..2]}/{sha}", (await ReadOne("ir.attachment", twin, "store_fname"))["store_fname"]);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!, sha + "*"));

        await Demo("ir.attachment", "write", L(twin), D(("datas", Convert.ToBase64String("changed"u8.ToArray()))));
        Assert.Equal(7, (await ReadOne("ir.attachment", twin, "file_size"))["file_size"]);
        Assert.Equal(Convert.ToBase64String(content), (await ReadOne("ir.attachment", id, "datas"))["datas"]);
    }

    [Fact]
    public async Task Binary_fields_are_kept_as_attachments_in_the_file_store()
    {
        var content = "binary field content"u8.ToArray();
        var sha = Convert.ToHexStringLower(SHA256.HashData(content));
        var id = await CreateRecord(("data", Convert.ToBase64String(content)));
        Assert.Equal(Convert.ToBase64String(content), (await ReadOne("test.record", id, "data"))["data"]);
        Assert.True(File.Exists(Path.Combine(Fixture.Databases.DataDirectory, "filestore", Fixture.Database, sha[..2], sha)));
        var columns = await AsAdminAsync(env => env.Transaction.Dialect.ColumnsAsync(env.Transaction.Connection, env.Transaction.Transaction!, "test_record", Ct));
        Assert.DoesNotContain("data", columns);

        var attachment = Ids(await Admin("ir.attachment", "search", L(L("res_model", "=", "test.record"), L("res_id", "=", id), L("res_field", "=", "data"))));
        Assert.Single(attachment);
        Assert.DoesNotContain(attachment[0], Ids(await Admin("ir.attachment", "search", L(L("res_model", "=", "test.record"), L("res_id", "=", id)))));

        await Admin("test.record", "write", L(id), D(("data", Convert.ToBase64String("other"u8.ToArray()))));
        Assert.Equal(Convert.ToBase64String("other"u8.ToArray()), (await ReadOne("test.record", id, "data"))["data"]);
        var copy = (int)(await Admin("test.record", "copy", id))!;
        Assert.Equal(Convert.ToBase64String("other"u8.ToArray()), (await ReadOne("test.record", copy, "data"))["data"]);

        await Admin("test.record", "write", L(id), D(("data", false)));
        Assert.Equal(false, (await ReadOne("test.record", id, "data"))["data"]);
        Assert.Equal(L(), await Admin("ir.attachment", "exists", attachment));

        await Admin("test.record", "unlink", L(copy));
        Assert.Equal(0, await Admin("ir.attachment", "search_count", L(L("res_model", "=", "test.record"), L("res_id", "=", copy), L("res_field", "!=", false))));
    }

    [Fact]
    public async Task Ir_model_lists_the_registry_with_xml_ids_and_refuses_changes()
    {
        var models = (List<object?>)(await Admin("ir.model", "search_read", L(L("model", "=", "test.record")), L("name", "modules", "field_id")))!;
        var model = (Dictionary<string, object?>)Assert.Single(models)!;
        Assert.Equal("Test Record", model["name"]);
        Assert.Equal("test_orm", model["modules"]);
        Assert.NotEmpty((List<object?>)model["field_id"]!);
        var fields = (List<object?>)(await Admin("ir.model.fields", "search_read", L(L("model", "=", "test.record"), L("name", "=", "partner_id")), L("ttype", "relation")))!;
        Assert.Equal("many2one", ((Dictionary<string, object?>)fields.Single()!)["ttype"]);

        var xmlId = await AsAdminAsync(env => env.RefAsync("test_orm.model_test_record", Ct));
        Assert.Equal(model["id"], xmlId);
        Assert.NotNull(await AsAdminAsync(env => env.RefAsync("base.model_res_partner", Ct)));
        Assert.Equal(1, await AsAdminAsync(env => env.RefAsync("base.user_root", Ct)));

        await Assert.ThrowsAsync<UserErrorException>(() => Admin("ir.model", "write", L(model["id"]), D(("name", "x"))));
        await Assert.ThrowsAsync<UserErrorException>(() => Admin("ir.model", "unlink", L(model["id"])));
    }

    [Fact]
    public async Task Module_dependencies_compute_their_module_and_state()
    {
        var module = (int)(await Admin("ir.module.module", "create", D(("name", Unique("mod")), ("state", "installed"))))!;
        var name = (await ReadOne("ir.module.module", module, "name"))["name"];
        var dependent = (int)(await Admin("ir.module.module", "create", D(("name", Unique("dep")),
            ("dependencies_id", L(L(0, 0, D(("name", name))), L(0, 0, D(("name", "missing_module")))))))) !;
        var dependencies = Ids((await ReadOne("ir.module.module", dependent, "dependencies_id"))["dependencies_id"]);
        var rows = (List<object?>)(await Admin("ir.module.module.dependency", "read", dependencies, L("name", "depend_id", "state")))!;
        var known = (Dictionary<string, object?>)rows.Single(r => Equals(((Dictionary<string, object?>)r!)["name"], name))!;
        Assert.Equal(module, ((List<object?>)known["depend_id"]!)[0]);
        Assert.Equal("installed", known["state"]);
        Assert.Equal("unknown", ((Dictionary<string, object?>)rows.Single(r => Equals(((Dictionary<string, object?>)r!)["name"], "missing_module"))!)["state"]);
    }

    [Fact]
    public async Task Users_change_their_own_preferences_and_password_without_write_access_to_users()
    {
        Assert.Equal(true, await Demo("res.users", "write", L(Users.Demo), D(("signature", "<p>Demo</p>"), ("tz", "Europe/Brussels"))));
        Assert.Equal("Europe/Brussels", (await ReadOne("res.users", Users.Demo, "tz"))["tz"]);
        var context = (Dictionary<string, object?>)(await Demo("res.users", "context_get"))!;
        Assert.Equal("Europe/Brussels", context["tz"]);
        Assert.Equal("en_US", context["lang"]);
        Assert.Equal(Users.Demo, context["uid"]);
        await Assert.ThrowsAsync<AccessErrorException>(() => Demo("res.users", "write", L(Users.Demo), D(("login", "hijack"))));
        await Assert.ThrowsAsync<AccessErrorException>(() => Demo("res.users", "write", L(Users.Portal), D(("signature", "x"))));
    }

    [Fact]
    public async Task Xml_ids_resolve_over_RPC()
    {
        var group = Users.Groups["group_user"];
        Assert.Equal(group, await Admin("ir.model.data", "xmlid_to_res_id", "base.group_user"));
        Assert.Equal(false, await Admin("ir.model.data", "xmlid_to_res_id", "base.nothing"));
        Assert.Equal(L("res.groups", group), await Admin("ir.model.data", "get_object_reference", "base", "group_user"));
        await Assert.ThrowsAsync<ValueErrorException>(() => Admin("ir.model.data", "get_object_reference", "base", "nothing"));
    }

    [Fact]
    public async Task Deleting_a_record_removes_its_xml_ids()
    {
        var tag = (int)(await Admin("test.tag", "create", D(("name", Unique("x")))))!;
        var name = Unique("xml").Replace('-', '_');
        await Admin("ir.model.data", "create", D(("module", "test_orm"), ("name", name), ("model", "test.tag"), ("res_id", tag)));
        Assert.Equal(tag, await AsAdminAsync(env => env.RefAsync("test_orm." + name, Ct)));
        await Admin("test.tag", "unlink", L(tag));
        Assert.Null(await AsAdminAsync(env => env.RefAsync("test_orm." + name, Ct)));
    }
}

public sealed class SqliteKernelTests(SqliteOrmFixture fixture) : KernelTests(fixture), IClassFixture<SqliteOrmFixture>;

public sealed class PostgresKernelTests(PostgresOrmFixture fixture) : KernelTests(fixture), IClassFixture<PostgresOrmFixture>;

public sealed class SqliteHttpKernelTests(SqliteHttpOrmFixture fixture) : KernelTests(fixture), IClassFixture<SqliteHttpOrmFixture>;

public sealed class PostgresHttpKernelTests(PostgresHttpOrmFixture fixture) : KernelTests(fixture), IClassFixture<PostgresHttpOrmFixture>;

public sealed class SqliteJsonRpcKernelTests(SqliteJsonRpcOrmFixture fixture) : KernelTests(fixture), IClassFixture<SqliteJsonRpcOrmFixture>;
