using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Tests.Infrastructure;

namespace SaasPortal.Orm.Tests;

public abstract class CrudTests(OrmFixture fixture) : OrmTestBase(fixture)
{
    [Fact]
    public async Task Create_returns_an_id_and_read_returns_every_field_type_in_wire_form()
    {
        var partner = (int)(await Admin("res.partner", "create", D(("name", "Agrolait"), ("email", "info@agrolait.com"))))!;
        var id = await CreateRecord(("name", "Everything"), ("description", "long text"), ("notes", "<p>hi</p>"), ("sequence", 7), ("amount", 1.5),
            ("price", 9.99), ("done", true), ("date", "2024-02-29"), ("moment", "2024-02-29 13:45:07"), ("state", "open"), ("partner_id", partner),
            ("data", Convert.ToBase64String("bytes"u8.ToArray())));

        var row = await ReadOne("test.record", id);

        Assert.Equal(id, row["id"]);
        Assert.Equal("Everything", row["name"]);
        Assert.Equal("long text", row["description"]);
        Assert.Equal("<p>hi</p>", row["notes"]);
        Assert.Equal(7, row["sequence"]);
        Assert.Equal(1.5, row["amount"]);
        Assert.Equal(9.99, row["price"]);
        Assert.Equal(true, row["done"]);
        Assert.Equal(true, row["active"]);
        Assert.Equal("2024-02-29", row["date"]);
        Assert.Equal("2024-02-29 13:45:07", row["moment"]);
        Assert.Equal("open", row["state"]);
        Assert.Equal(L(partner, "Agrolait"), row["partner_id"]);
        Assert.Equal("info@agrolait.com", row["partner_email"]);
        Assert.Equal(Convert.ToBase64String("bytes"u8.ToArray()), row["data"]);
        Assert.Equal(L(), row["line_ids"]);
        Assert.Equal(L(), row["tag_ids"]);
        Assert.Equal(false, row["category_id"]);
        Assert.Equal(false, row["code"]);
        Assert.Equal(L(1, "Administrator"), row["create_uid"]);
        Assert.IsType<string>(row["create_date"]);
        Assert.DoesNotContain(row.Values, v => v is null);
    }

    [Fact]
    public async Task Empty_values_read_as_False_and_empty_numbers_as_zero()
    {
        var id = await CreateRecord(("description", ""), ("amount", false));
        var row = await ReadOne("test.record", id, "description", "amount", "date", "partner_id", "done", "data");
        Assert.Equal(false, row["description"]);
        Assert.Equal(0.0, row["amount"]);
        Assert.Equal(false, row["date"]);
        Assert.Equal(false, row["partner_id"]);
        Assert.Equal(false, row["done"]);
        Assert.Equal(false, row["data"]);
    }

    [Fact]
    public async Task Read_always_includes_id_even_when_not_asked()
    {
        var id = await CreateRecord();
        var row = await ReadOne("test.record", id, "name");
        Assert.Equal(["id", "name"], row.Keys.Order());
    }

    [Fact]
    public async Task Defaults_apply_on_create_and_default_get_returns_them()
    {
        var id = await CreateRecord();
        var row = await ReadOne("test.record", id, "sequence", "state", "active");
        Assert.Equal(10, row["sequence"]);
        Assert.Equal("draft", row["state"]);
        Assert.Equal(true, row["active"]);

        var defaults = (Dictionary<string, object?>)(await Admin("test.record", "default_get", L("sequence", "state", "name")))!;
        Assert.Equal(10, defaults["sequence"]);
        Assert.Equal("draft", defaults["state"]);
        Assert.False(defaults.ContainsKey("name"));
    }

    [Fact]
    public async Task Create_with_a_list_of_values_returns_a_list_of_ids()
    {
        var ids = Ids(await Admin("test.record", "create", L(D(("name", Unique("a"))), D(("name", Unique("b"))))));
        Assert.Equal(2, ids.Count);
        Assert.True(ids[1] > ids[0]);
    }

    [Fact]
    public async Task Write_returns_True_and_changes_only_the_given_fields()
    {
        var id = await CreateRecord(("amount", 3.0), ("description", "keep"));
        Assert.Equal(true, await Admin("test.record", "write", L(id), D(("amount", 4.25))));
        var row = await ReadOne("test.record", id, "amount", "description");
        Assert.Equal(4.25, row["amount"]);
        Assert.Equal("keep", row["description"]);
    }

    [Fact]
    public async Task Unlink_accepts_a_bare_id_and_returns_True()
    {
        var id = await CreateRecord();
        Assert.Equal(true, await Admin("test.record", "unlink", id));
        Assert.Equal(L(), await Admin("test.record", "exists", L(id)));
    }

    [Fact]
    public async Task Reading_a_deleted_record_is_a_MissingError()
    {
        var id = await CreateRecord();
        await Admin("test.record", "unlink", L(id));
        var error = await Assert.ThrowsAsync<MissingErrorException>(() => Admin("test.record", "read", L(id), L("name")));
        Assert.StartsWith("Record does not exist or has been deleted.", error.Message);
        Assert.Equal(2, error.FaultCode);
    }
}

public sealed class SqliteCrudTests(SqliteOrmFixture fixture) : CrudTests(fixture), IClassFixture<SqliteOrmFixture>;

public sealed class PostgresCrudTests(PostgresOrmFixture fixture) : CrudTests(fixture), IClassFixture<PostgresOrmFixture>;

public sealed class SqliteHttpCrudTests(SqliteHttpOrmFixture fixture) : CrudTests(fixture), IClassFixture<SqliteHttpOrmFixture>;

public sealed class PostgresHttpCrudTests(PostgresHttpOrmFixture fixture) : CrudTests(fixture), IClassFixture<PostgresHttpOrmFixture>;

public sealed class SqliteJsonRpcCrudTests(SqliteJsonRpcOrmFixture fixture) : CrudTests(fixture), IClassFixture<SqliteJsonRpcOrmFixture>;
