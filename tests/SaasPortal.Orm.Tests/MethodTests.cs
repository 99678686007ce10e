using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Tests.Infrastructure;

namespace SaasPortal.Orm.Tests;

/// <summary>The other ORM methods over RPC: fields_get, name_*, copy, search_read, read_group.</summary>
public abstract class MethodTests(OrmFixture fixture) : OrmTestBase(fixture)
{
    [Fact]
    public async Task Fields_get_describes_fields_as_Odoo_does()
    {
        var fields = (Dictionary<string, object?>)(await Admin("test.record", "fields_get"))!;
        var state = (Dictionary<string, object?>)fields["state"]!;
        Assert.Equal("selection", state["type"]);
        Assert.Equal(L(L("draft", "Draft"), L("open", "Open"), L("done", "Done")), state["selection"]);
        var partner = (Dictionary<string, object?>)fields["partner_id"]!;
        Assert.Equal("many2one", partner["type"]);
        Assert.Equal("res.partner", partner["relation"]);
        Assert.Equal("Partner", partner["string"]);
        var lines = (Dictionary<string, object?>)fields["line_ids"]!;
        Assert.Equal("record_id", lines["relation_field"]);
        Assert.Equal(true, ((Dictionary<string, object?>)fields["name"]!)["required"]);
        Assert.Equal(5, ((Dictionary<string, object?>)fields["code"]!)["size"]);
        Assert.Equal(false, ((Dictionary<string, object?>)fields["line_count"]!)["store"]);
        Assert.True(fields.ContainsKey("display_name"));
        var password = (Dictionary<string, object?>)((Dictionary<string, object?>)(await Admin("res.users", "fields_get", L("password")))!)["password"]!;
        Assert.Equal(false, password["readonly"]);

        var only = (Dictionary<string, object?>)(await AdminKw("test.record", "fields_get", L(L("name")), D(("attributes", L("type", "string")))))!;
        Assert.Equal(["name"], only.Keys);
        Assert.Equal(["string", "type"], ((Dictionary<string, object?>)only["name"]!).Keys.Order());
    }

    [Fact]
    public async Task Name_get_name_search_and_name_create()
    {
        var marker = Unique("nm");
        var company = (int)(await Admin("res.partner", "create", D(("name", "Acme " + marker), ("is_company", true))))!;
        var contact = (int)(await Admin("res.partner", "create", D(("name", "Jane " + marker), ("parent_id", company))))!;
        Assert.Equal(L(L(company, "Acme " + marker), L(contact, $"Acme {marker}, Jane {marker}")), await Admin("res.partner", "name_get", L(company, contact)));

        var found = (List<object?>)(await AdminKw("res.partner", "name_search", L("jane " + marker), D(("limit", 5))))!;
        Assert.Equal(L(L(contact, $"Acme {marker}, Jane {marker}")), found);
        var filtered = (List<object?>)(await Admin("res.partner", "name_search", marker, L(L("is_company", "=", true)), "ilike", 10))!;
        Assert.Equal(company, ((List<object?>)filtered.Single()!)[0]);

        var created = (List<object?>)(await Admin("test.tag", "name_create", "tag " + marker))!;
        Assert.Equal("tag " + marker, created[1]);
        Assert.Equal(L(L(created[0], "tag " + marker)), await Admin("test.tag", "name_get", L(created[0])));
        var user = (List<object?>)(await Admin("res.users", "name_get", L(Users.Demo)))!;
        Assert.Equal(L(Users.Demo, "Demo User"), user.Single());
    }

    [Fact]
    public async Task Search_read_combines_search_and_read()
    {
        var marker = Unique("sr");
        var a = await CreateRecord(("description", marker), ("sequence", 2), ("name", "b"));
        var b = await CreateRecord(("description", marker), ("sequence", 1), ("name", "a"));
        var rows = (List<object?>)(await AdminKw("test.record", "search_read", L(L(L("description", "=", marker))), D(("fields", L("name")), ("order", "sequence"))))!;
        Assert.Equal([b, a], rows.Select(r => (int)((Dictionary<string, object?>)r!)["id"]!));
        Assert.Equal(["id", "name"], ((Dictionary<string, object?>)rows[0]!).Keys.Order());
    }

    [Fact]
    public async Task Copy_duplicates_stored_fields_and_many2many_links_but_not_lines()
    {
        var tag = (int)(await Admin("test.tag", "create", D(("name", Unique("t")))))!;
        var id = await CreateRecord(("amount", 3.5), ("reference", Unique("ref")), ("tag_ids", L(L(4, tag))), ("line_ids", L(L(0, 0, D(("amount", 1.0))))));
        var copy = (int)(await Admin("test.record", "copy", id, D(("description", "copied"))))!;
        var original = await ReadOne("test.record", id, "reference");
        var row = await ReadOne("test.record", copy, "amount", "reference", "tag_ids", "line_ids", "description");
        Assert.Equal(3.5, row["amount"]);
        Assert.Equal($"{original["reference"]} (copy)", row["reference"]);
        Assert.Equal(L(tag), row["tag_ids"]);
        Assert.Equal(L(), row["line_ids"]);
        Assert.Equal("copied", row["description"]);
    }

    [Fact]
    public async Task Read_group_counts_sums_and_groups_by_many2one_selection_and_date()
    {
        var marker = Unique("rg");
        var p1 = (int)(await Admin("res.partner", "create", D(("name", "A " + marker))))!;
        var p2 = (int)(await Admin("res.partner", "create", D(("name", "B " + marker))))!;
        await CreateRecord(("description", marker), ("partner_id", p1), ("amount", 1.0), ("sequence", 1), ("state", "open"), ("date", "2024-01-05"));
        await CreateRecord(("description", marker), ("partner_id", p1), ("amount", 2.0), ("sequence", 2), ("state", "open"), ("date", "2024-01-20"));
        await CreateRecord(("description", marker), ("partner_id", p2), ("amount", 4.0), ("sequence", 3), ("date", "2024-03-01"));
        await CreateRecord(("description", marker), ("amount", 8.0), ("sequence", 4));
        var domain = L(L("description", "=", marker));

        var byPartner = (List<object?>)(await Admin("test.record", "read_group", domain, L("amount", "sequence"), L("partner_id")))!;
        var groups = byPartner.Cast<Dictionary<string, object?>>().ToList();
        Assert.Equal(3, groups.Count);
        Assert.Equal(L(p1, "A " + marker), groups[0]["partner_id"]);
        Assert.Equal(2, groups[0]["partner_id_count"]);
        Assert.Equal(3.0, groups[0]["amount"]);
        Assert.Equal(3, groups[0]["sequence"]);
        Assert.Equal(false, groups[2]["partner_id"]);
        Assert.Equal(L(L("description", "=", marker), L("partner_id", "=", p1)), groups[0]["__domain"]);

        var byMonth = (List<object?>)(await AdminKw("test.record", "read_group", L(domain, L("amount"), L("date:month", "state")), D(("lazy", false))))!;
        var months = byMonth.Cast<Dictionary<string, object?>>().ToList();
        Assert.Equal("January 2024", months[0]["date:month"]);
        Assert.Equal("open", months[0]["state"]);
        Assert.Equal(2, months[0]["__count"]);
        Assert.Equal(3.0, months[0]["amount"]);
        Assert.Contains(L("date", ">=", "2024-01-01"), (List<object?>)months[0]["__domain"]!);

        var lazy = (List<object?>)(await Admin("test.record", "read_group", domain, L("amount"), L("state", "partner_id")))!;
        var first = (Dictionary<string, object?>)lazy[0]!;
        Assert.Equal(L("partner_id"), ((Dictionary<string, object?>)first["__context"]!)["group_by"]);

        var ordered = (List<object?>)(await AdminKw("test.record", "read_group", L(domain, L("amount:max"), L("partner_id")), D(("orderby", "amount desc"))))!;
        Assert.Equal(8.0, ((Dictionary<string, object?>)ordered[0]!)["amount"]);

        await Assert.ThrowsAsync<ValueErrorException>(() => Admin("test.record", "read_group", domain, L("amount"), L("line_count")));
        await Assert.ThrowsAsync<ValueErrorException>(() => Admin("test.record", "read_group", domain, L("amount:drop"), L("state")));
    }
}

public sealed class SqliteMethodTests(SqliteOrmFixture fixture) : MethodTests(fixture), IClassFixture<SqliteOrmFixture>;

public sealed class PostgresMethodTests(PostgresOrmFixture fixture) : MethodTests(fixture), IClassFixture<PostgresOrmFixture>;

public sealed class SqliteHttpMethodTests(SqliteHttpOrmFixture fixture) : MethodTests(fixture), IClassFixture<SqliteHttpOrmFixture>;

public sealed class PostgresHttpMethodTests(PostgresHttpOrmFixture fixture) : MethodTests(fixture), IClassFixture<PostgresHttpOrmFixture>;

public sealed class SqliteJsonRpcMethodTests(SqliteJsonRpcOrmFixture fixture) : MethodTests(fixture), IClassFixture<SqliteJsonRpcOrmFixture>;
