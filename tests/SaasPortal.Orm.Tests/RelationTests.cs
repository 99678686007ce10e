using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Tests.Infrastructure;

namespace SaasPortal.Orm.Tests;

/// <summary>x2many commands, many2one ondelete, related and computed fields.</summary>
public abstract class RelationTests(OrmFixture fixture) : OrmTestBase(fixture)
{
    private async Task<int> Tag(string name) => (int)(await Admin("test.tag", "create", D(("name", Unique(name)))))!;

    private async Task<List<int>> TagsOf(int record) => Ids((await ReadOne("test.record", record, "tag_ids"))["tag_ids"]);

    [Fact]
    public async Task Many2many_commands_link_unlink_replace_and_clear()
    {
        var (a, b, c) = (await Tag("a"), await Tag("b"), await Tag("c"));
        var id = await CreateRecord(("tag_ids", L(L(6, 0, L(a, b)))));
        Assert.Equal([a, b], (await TagsOf(id)).Order());

        await Admin("test.record", "write", L(id), D(("tag_ids", L(L(4, c), L(3, a)))));
        Assert.Equal([b, c], (await TagsOf(id)).Order());

        await Admin("test.record", "write", L(id), D(("tag_ids", L(L(0, 0, D(("name", Unique("new"))))))));
        Assert.Equal(3, (await TagsOf(id)).Count);

        await Admin("test.record", "write", L(id), D(("tag_ids", L(L(6, 0, L(a))))));
        Assert.Equal([a], await TagsOf(id));

        await Admin("test.record", "write", L(id), D(("tag_ids", L(L(5)))));
        Assert.Empty(await TagsOf(id));

        // (3) only unlinks; (2) deletes the record itself.
        await Admin("test.record", "write", L(id), D(("tag_ids", L(L(4, a), L(4, b)))));
        await Admin("test.record", "write", L(id), D(("tag_ids", L(L(2, b, 0)))));
        Assert.Equal([a], await TagsOf(id));
        Assert.Equal(L(a), await Admin("test.tag", "exists", L(a, b)));
    }

    [Fact]
    public async Task A_plain_id_list_replaces_the_links_as_in_Odoo_8()
    {
        var (a, b) = (await Tag("a"), await Tag("b"));
        var id = await CreateRecord(("tag_ids", L(a, b)));
        Assert.Equal([a, b], (await TagsOf(id)).Order());
    }

    [Fact]
    public async Task One2many_commands_create_update_delete_and_detach_lines()
    {
        var id = await CreateRecord(("line_ids", L(L(0, 0, D(("name", "one"), ("amount", 1.0))), L(0, 0, D(("name", "two"), ("amount", 2.0))))));
        var lines = Ids((await ReadOne("test.record", id, "line_ids"))["line_ids"]);
        Assert.Equal(2, lines.Count);
        Assert.Equal(L(id, (await ReadOne("test.record", id, "name"))["name"]), (await ReadOne("test.line", lines[0], "record_id"))["record_id"]);

        await Admin("test.record", "write", L(id), D(("line_ids", L(L(1, lines[0], D(("amount", 10.0))), L(2, lines[1])))));
        Assert.Equal([lines[0]], Ids((await ReadOne("test.record", id, "line_ids"))["line_ids"]));
        Assert.Equal(10.0, (await ReadOne("test.line", lines[0], "amount"))["amount"]);
        Assert.Equal(L(), await Admin("test.line", "exists", L(lines[1])));

        // The inverse is required, so unlinking a line from its parent deletes it (it cannot exist alone).
        await Admin("test.record", "write", L(id), D(("line_ids", L(L(5)))));
        Assert.Equal(L(), await Admin("test.line", "exists", L(lines[0])));
    }

    [Fact]
    public async Task One2many_link_unlink_and_replace_reparent_records_whose_inverse_is_optional()
    {
        var company = (int)(await Admin("res.partner", "create", D(("name", Unique("co")), ("is_company", true))))!;
        var a = (int)(await Admin("res.partner", "create", D(("name", Unique("a")))))!;
        var b = (int)(await Admin("res.partner", "create", D(("name", Unique("b")))))!;
        async Task<List<int>> Children() => Ids((await ReadOne("res.partner", company, "child_ids"))["child_ids"]).Order().ToList();

        await Admin("res.partner", "write", L(company), D(("child_ids", L(L(4, a), L(4, b)))));
        Assert.Equal([a, b], await Children());
        await Admin("res.partner", "write", L(company), D(("child_ids", L(L(3, a)))));
        Assert.Equal([b], await Children());
        Assert.Equal(false, (await ReadOne("res.partner", a, "parent_id"))["parent_id"]);
        await Admin("res.partner", "write", L(company), D(("child_ids", L(L(6, 0, L(a))))));
        Assert.Equal([a], await Children());
        Assert.Equal(L(a, b), await Admin("res.partner", "exists", L(a, b)));
    }

    [Fact]
    public async Task Stored_computed_fields_follow_their_dependencies()
    {
        var id = await CreateRecord(("line_ids", L(L(0, 0, D(("amount", 1.5))), L(0, 0, D(("amount", 2.5))))));
        Assert.Equal(4.0, (await ReadOne("test.record", id, "total"))["total"]);

        var line = (int)(await Admin("test.line", "create", D(("record_id", id), ("amount", 6.0))))!;
        Assert.Equal(10.0, (await ReadOne("test.record", id, "total"))["total"]);

        await Admin("test.line", "write", L(line), D(("amount", 1.0)));
        Assert.Equal(5.0, (await ReadOne("test.record", id, "total"))["total"]);

        var other = await CreateRecord();
        await Admin("test.line", "write", L(line), D(("record_id", other)));
        Assert.Equal(4.0, (await ReadOne("test.record", id, "total"))["total"]);
        Assert.Equal(1.0, (await ReadOne("test.record", other, "total"))["total"]);

        await Admin("test.line", "unlink", L(line));
        Assert.Equal(0.0, (await ReadOne("test.record", other, "total"))["total"]);
        Assert.Equal(L(id), await Admin("test.record", "search", L(L("total", "=", 4.0), L("id", "=", id))));
    }

    [Fact]
    public async Task Non_stored_computed_fields_are_computed_on_read()
    {
        var id = await CreateRecord(("line_ids", L(L(0, 0, D(("amount", 1.0))), L(0, 0, D(("amount", 1.0))), L(0, 0, D(("amount", 1.0))))));
        Assert.Equal(3, (await ReadOne("test.record", id, "line_count"))["line_count"]);
    }

    [Fact]
    public async Task Related_fields_read_and_write_through_many2ones()
    {
        var code = Unique("c")[^2..].ToUpperInvariant();
        var country = (int)(await Admin("res.country", "create", D(("name", Unique("Land")), ("code", code))))!;
        var partner = (int)(await Admin("res.partner", "create", D(("name", "Rel"), ("email", "a@b.c"), ("country_id", country))))!;
        var id = await CreateRecord(("partner_id", partner));
        var row = await ReadOne("test.record", id, "partner_email", "partner_country_code");
        Assert.Equal("a@b.c", row["partner_email"]);
        Assert.Equal(code, row["partner_country_code"]);

        await Admin("test.record", "write", L(id), D(("partner_email", "new@b.c")));
        Assert.Equal("new@b.c", (await ReadOne("res.partner", partner, "email"))["email"]);
        Assert.Equal(L(id), await Admin("test.record", "search", L(L("partner_email", "=", "new@b.c"), L("id", "=", id))));

        var without = await CreateRecord();
        Assert.Equal(false, (await ReadOne("test.record", without, "partner_email"))["partner_email"]);
    }

    [Fact]
    public async Task Many2one_ondelete_cascade_set_null_and_restrict()
    {
        var category = (int)(await Admin("test.category", "create", D(("name", Unique("cat")))))!;
        var partner = (int)(await Admin("res.partner", "create", D(("name", Unique("p")))))!;
        var id = await CreateRecord(("category_id", category), ("partner_id", partner), ("line_ids", L(L(0, 0, D(("amount", 1.0))))));
        var line = Ids((await ReadOne("test.record", id, "line_ids"))["line_ids"])[0];

        var restricted = await Assert.ThrowsAsync<UserErrorException>(() => Admin("test.category", "unlink", L(category)));
        Assert.Contains("another model requires the record being deleted", restricted.Message, StringComparison.Ordinal);

        await Admin("res.partner", "unlink", L(partner));
        Assert.Equal(false, (await ReadOne("test.record", id, "partner_id"))["partner_id"]);

        await Admin("test.record", "unlink", L(id));
        Assert.Equal(L(), await Admin("test.line", "exists", L(line)));
        await Admin("test.category", "unlink", L(category));
    }

    [Fact]
    public async Task Required_unique_selection_and_size_are_checked_with_clear_messages()
    {
        var required = await Assert.ThrowsAsync<ValidationErrorException>(() => Admin("test.record", "create", D(("description", "no name"))));
        Assert.Contains("'Name' (test.record.name) is required", required.Message, StringComparison.Ordinal);

        var id = await CreateRecord();
        var cleared = await Assert.ThrowsAsync<ValidationErrorException>(() => Admin("test.record", "write", L(id), D(("name", false))));
        Assert.Contains("required", cleared.Message, StringComparison.Ordinal);

        var reference = Unique("ref");
        await CreateRecord(("reference", reference));
        var duplicate = await Assert.ThrowsAsync<ValidationErrorException>(() => CreateRecord(("reference", reference)));
        Assert.Contains("test.record.reference", duplicate.Message, StringComparison.Ordinal);

        var category = (int)(await Admin("test.category", "create", D(("name", Unique("cat")))))!;
        await CreateRecord(("code", "X1"), ("category_id", category));
        var constraint = await Assert.ThrowsAsync<ValidationErrorException>(() => CreateRecord(("code", "X1"), ("category_id", category)));
        Assert.Equal("The code must be unique per category!", constraint.Message);

        var selection = await Assert.ThrowsAsync<ValidationErrorException>(() => CreateRecord(("state", "bogus")));
        Assert.Contains("bogus", selection.Message, StringComparison.Ordinal);

        var size = await Assert.ThrowsAsync<ValidationErrorException>(() => CreateRecord(("code", "TOOLONG")));
        Assert.Contains("longer than 5", size.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("amount", "lots")]
    [InlineData("date", "31/01/2024")]
    [InlineData("moment", "yesterday")]
    [InlineData("partner_id", "Agrolait")]
    [InlineData("data", "!!not base64!!")]
    public async Task A_wrong_value_is_a_ValueError_naming_the_field(string field, string value)
    {
        var error = await Assert.ThrowsAsync<ValueErrorException>(() => CreateRecord((field, value)));
        Assert.Contains($"test.record.{field}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_fields_and_bad_commands_are_ValueErrors()
    {
        var unknown = await Assert.ThrowsAsync<ValueErrorException>(() => CreateRecord(("no_such_field", 1)));
        Assert.Contains("no_such_field", unknown.Message, StringComparison.Ordinal);
        var command = await Assert.ThrowsAsync<ValueErrorException>(() => CreateRecord(("tag_ids", L(L(9, 0, 0)))));
        Assert.Contains("command code 9", command.Message, StringComparison.Ordinal);
        var notList = await Assert.ThrowsAsync<ValueErrorException>(() => CreateRecord(("tag_ids", "abc")));
        Assert.Contains("test.record.tag_ids", notList.Message, StringComparison.Ordinal);
        var missingLink = await Assert.ThrowsAsync<MissingErrorException>(() => CreateRecord(("tag_ids", L(L(4, 999999)))));
        Assert.Contains("999999", missingLink.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Magic_fields_and_computed_values_sent_back_by_clients_are_ignored()
    {
        var id = await CreateRecord();
        var row = await ReadOne("test.record", id);
        row.Remove("data");
        row.Remove("partner_email");
        row.Remove("partner_country_code");
        row.Remove("locked");
        Assert.Equal(true, await Admin("test.record", "write", L(id), row));
    }
}

public sealed class SqliteRelationTests(SqliteOrmFixture fixture) : RelationTests(fixture), IClassFixture<SqliteOrmFixture>;

public sealed class PostgresRelationTests(PostgresOrmFixture fixture) : RelationTests(fixture), IClassFixture<PostgresOrmFixture>;

public sealed class SqliteHttpRelationTests(SqliteHttpOrmFixture fixture) : RelationTests(fixture), IClassFixture<SqliteHttpOrmFixture>;

public sealed class PostgresHttpRelationTests(PostgresHttpOrmFixture fixture) : RelationTests(fixture), IClassFixture<PostgresHttpOrmFixture>;

public sealed class SqliteJsonRpcRelationTests(SqliteJsonRpcOrmFixture fixture) : RelationTests(fixture), IClassFixture<SqliteJsonRpcOrmFixture>;
