using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Tests.Infrastructure;

namespace SaasPortal.Orm.Tests;

/// <summary>Domains with Odoo's semantics. Every search is confined to records made by the test (a marker in description).</summary>
public abstract class DomainTests(OrmFixture fixture) : OrmTestBase(fixture)
{
    private async Task<(string Marker, int A, int B, int C, int Empty)> SeedAsync()
    {
        var marker = Unique("mark");
        var a = await CreateRecord(("name", "Alpha"), ("description", marker), ("amount", 1.0), ("sequence", 1), ("done", true), ("code", "AA"), ("date", "2024-01-10"), ("moment", "2024-01-10 08:00:00"), ("state", "open"));
        var b = await CreateRecord(("name", "beta"), ("description", marker), ("amount", 2.0), ("sequence", 2), ("done", false), ("code", "BB"), ("date", "2024-02-10"), ("moment", "2024-02-10 23:30:00"));
        var c = await CreateRecord(("name", "Gamma"), ("description", marker), ("amount", 3.0), ("sequence", 3), ("code", "A_C"), ("date", "2024-03-10"));
        var empty = await CreateRecord(("name", "Étoile"), ("description", marker), ("sequence", 4));
        return (marker, a, b, c, empty);
    }

    private async Task<List<int>> Search(string marker, params object?[] domain)
    {
        var full = new List<object?> { L("description", "=", marker) };
        full.AddRange(domain);
        return Ids(await Admin("test.record", "search", full, 0, 0, "id"));
    }

    [Fact]
    public async Task Equality_and_comparisons_bind_values()
    {
        var (m, a, b, c, _) = await SeedAsync();
        Assert.Equal([b], await Search(m, L("name", "=", "beta")));
        Assert.Equal([c], await Search(m, L("amount", ">", 2.5)));
        Assert.Equal([b, c], await Search(m, L("amount", ">=", 2)));
        Assert.Equal([a], await Search(m, L("amount", "<", 2)));
        Assert.Equal([a, b], await Search(m, L("amount", "<=", 2.0)));
        Assert.Equal([a, c], await Search(m, L("date", "<>", "2024-02-10"), L("date", "!=", false)));
    }

    [Fact]
    public async Task Equal_False_means_not_set_and_a_boolean_False_also_matches_unset()
    {
        var (m, a, b, c, empty) = await SeedAsync();
        Assert.Equal([empty], await Search(m, L("code", "=", false)));
        Assert.Equal([a, b, c], await Search(m, L("code", "!=", false)));
        Assert.Equal([b, c, empty], await Search(m, L("done", "=", false)));
        Assert.Equal([a], await Search(m, L("done", "!=", false)));
        Assert.Equal([a], await Search(m, L("done", "=", true)));
        Assert.Equal([a], await Search(m, L("done", "in", true)));
        Assert.Equal([b, c, empty], await Search(m, L("done", "not in", true)));
    }

    [Fact]
    public async Task Negative_operators_also_match_records_without_a_value()
    {
        var (m, a, b, c, empty) = await SeedAsync();
        Assert.Equal([b, c, empty], await Search(m, L("code", "!=", "AA")));
        Assert.Equal([b, empty], await Search(m, L("code", "not like", "A")));
        Assert.Equal([c, empty], await Search(m, L("code", "not in", L("AA", "BB"))));
        Assert.Equal([c], await Search(m, L("code", "not in", L("AA", "BB", false))));
    }

    [Fact]
    public async Task Equal_with_a_list_means_in_and_in_with_False_also_matches_unset()
    {
        var (m, a, b, _, empty) = await SeedAsync();
        Assert.Equal([a, b], await Search(m, L("code", "=", L("AA", "BB"))));
        Assert.Equal([a, b], await Search(m, L("code", "in", L("AA", "BB"))));
        Assert.Equal([a, empty], await Search(m, L("code", "in", L("AA", false))));
        Assert.Empty(await Search(m, L("code", "in", L())));
        Assert.Equal(4, (await Search(m, L("code", "not in", L()))).Count);
    }

    [Fact]
    public async Task Like_is_case_sensitive_and_ilike_is_not_even_outside_ASCII()
    {
        var (m, a, b, _, empty) = await SeedAsync();
        Assert.Equal([a], await Search(m, L("name", "like", "lph")));
        Assert.Empty(await Search(m, L("name", "like", "ALPH")));
        Assert.Equal([a], await Search(m, L("name", "ilike", "ALPH")));
        Assert.Equal([empty], await Search(m, L("name", "ilike", "étoi")));
        Assert.Equal([empty], await Search(m, L("name", "ilike", "ÉTOI")));
        Assert.Equal([b], await Search(m, L("name", "=ilike", "BETA")));
        Assert.Equal([b], await Search(m, L("name", "=like", "b%")));
        Assert.Equal(4, (await Search(m, L("code", "ilike", ""))).Count);
    }

    [Fact]
    public async Task Optional_equality_is_true_for_False()
    {
        var (m, a, _, _, _) = await SeedAsync();
        Assert.Equal(4, (await Search(m, L("code", "=?", false))).Count);
        Assert.Equal([a], await Search(m, L("code", "=?", "AA")));
    }

    [Fact]
    public async Task Prefix_operators_combine_terms_and_not_is_pushed_down()
    {
        var (m, a, b, c, empty) = await SeedAsync();
        Assert.Equal([a, b], await Search(m, "|", L("name", "=", "Alpha"), L("name", "=", "beta")));
        Assert.Equal([b], await Search(m, "&", L("amount", ">", 1), L("amount", "<", 3)));
        // NOT (code = 'AA') becomes code != 'AA', which (negative) includes records without code.
        Assert.Equal([b, c, empty], await Search(m, "!", L("code", "=", "AA")));
        Assert.Equal([a, c, empty], await Search(m, "!", "&", L("code", "=", "BB"), L("amount", "=", 2)));
        Assert.Equal([a], await Search(m, L(1, "=", 1), L("name", "=", "Alpha")));
        Assert.Empty(await Search(m, L(0, "=", 1)));
    }

    [Fact]
    public async Task Datetime_compared_with_a_date_covers_the_whole_day()
    {
        var (m, _, b, _, _) = await SeedAsync();
        Assert.Equal([b], await Search(m, L("moment", ">=", "2024-02-10"), L("moment", "<=", "2024-02-10")));
    }

    [Fact]
    public async Task Dotted_paths_go_through_many2one_and_x2many()
    {
        var marker = Unique("path");
        var country = (int)(await Admin("res.country", "create", D(("name", "Belgium " + marker), ("code", marker[^2..].ToUpperInvariant()))))!;
        var partner = (int)(await Admin("res.partner", "create", D(("name", "P " + marker), ("country_id", country))))!;
        var other = (int)(await Admin("res.partner", "create", D(("name", "Q " + marker))))!;
        var withLines = await CreateRecord(("description", marker), ("partner_id", partner),
            ("line_ids", L(L(0, 0, D(("name", "x"), ("amount", 5.0))), L(0, 0, D(("name", "y"), ("amount", 7.0))))));
        var noLines = await CreateRecord(("description", marker), ("partner_id", other));

        Assert.Equal([withLines], await Search(marker, L("partner_id.country_id.name", "=", "Belgium " + marker)));
        Assert.Equal([withLines], await Search(marker, L("line_ids.amount", ">", 6)));
        Assert.Equal([noLines], await Search(marker, L("line_ids.amount", "!=", 5)));
        Assert.Equal([noLines], await Search(marker, L("line_ids", "=", false)));
        Assert.Equal([withLines], await Search(marker, L("partner_id", "ilike", "p " + marker)));
        Assert.Equal([noLines], await Search(marker, L("partner_id", "not ilike", "p " + marker)));
    }

    [Fact]
    public async Task Many2many_terms_match_links_by_id_and_by_name()
    {
        var marker = Unique("tags");
        var red = (int)(await Admin("test.tag", "create", D(("name", "red " + marker))))!;
        var blue = (int)(await Admin("test.tag", "create", D(("name", "blue " + marker))))!;
        var both = await CreateRecord(("description", marker), ("tag_ids", L(L(6, 0, L(red, blue)))));
        var onlyRed = await CreateRecord(("description", marker), ("tag_ids", L(L(4, red))));
        var none = await CreateRecord(("description", marker));

        Assert.Equal([both, onlyRed], await Search(marker, L("tag_ids", "in", L(red))));
        Assert.Equal([both], await Search(marker, L("tag_ids", "=", blue)));
        Assert.Equal([onlyRed, none], await Search(marker, L("tag_ids", "!=", blue)));
        Assert.Equal([none], await Search(marker, L("tag_ids", "=", false)));
        Assert.Equal([both], await Search(marker, L("tag_ids", "ilike", "BLUE " + marker)));
        Assert.Equal([both, onlyRed], await Search(marker, L("tag_ids.name", "=like", "red%")));
    }

    [Fact]
    public async Task Child_of_and_parent_of_walk_the_hierarchy()
    {
        var root = (int)(await Admin("test.category", "create", D(("name", Unique("root")))))!;
        var child = (int)(await Admin("test.category", "create", D(("name", Unique("child")), ("parent_id", root))))!;
        var grandchild = (int)(await Admin("test.category", "create", D(("name", Unique("grand")), ("parent_id", child))))!;
        var other = (int)(await Admin("test.category", "create", D(("name", Unique("other")))))!;

        Assert.Equal([root, child, grandchild], Ids(await Admin("test.category", "search", L(L("id", "child_of", root)), 0, 0, "id")));
        Assert.Equal([child, grandchild], Ids(await Admin("test.category", "search", L(L("id", "child_of", L(child))), 0, 0, "id")));
        Assert.Equal([root, child], Ids(await Admin("test.category", "search", L(L("id", "parent_of", child)), 0, 0, "id")));
        // On the parent field itself, Odoo reads child_of as "this record and its descendants".
        Assert.Equal([root, child, grandchild], Ids(await Admin("test.category", "search", L(L("parent_id", "child_of", root)), 0, 0, "id")));

        var marker = Unique("cat");
        var inTree = await CreateRecord(("description", marker), ("category_id", grandchild));
        await CreateRecord(("description", marker), ("category_id", other));
        Assert.Equal([inTree], await Search(marker, L("category_id", "child_of", root)));
    }

    [Fact]
    public async Task Archived_records_are_hidden_unless_asked_for()
    {
        var marker = Unique("arch");
        var live = await CreateRecord(("description", marker));
        var archived = await CreateRecord(("description", marker), ("active", false));
        Assert.Equal([live], await Search(marker));
        Assert.Equal([archived], await Search(marker, L("active", "=", false)));
        var all = Ids(await AdminKw("test.record", "search", L(L(L("description", "=", marker))), D(("context", D(("active_test", false))), ("order", "id"))));
        Assert.Equal([live, archived], all);
    }

    [Fact]
    public async Task Order_offset_limit_and_count()
    {
        var (m, a, b, c, empty) = await SeedAsync();
        Assert.Equal([empty, c, b, a], Ids(await Admin("test.record", "search", L(L("description", "=", m)), 0, 0, "sequence desc")));
        Assert.Equal([b, c], Ids(await Admin("test.record", "search", L(L("description", "=", m)), 1, 2, "amount asc, id")));
        Assert.Equal(4, await Admin("test.record", "search", L(L("description", "=", m)), 0, false, false, true));
        Assert.Equal(4, await Admin("test.record", "search_count", L(L("description", "=", m))));
        var kw = await AdminKw("test.record", "search", L(L(L("description", "=", m))), D(("limit", 1), ("order", "name desc")));
        Assert.Equal([empty], Ids(kw));
    }

    [Fact]
    public async Task Ordering_by_a_many2one_follows_the_comodels_order()
    {
        var marker = Unique("o2");
        var zed = (int)(await Admin("res.partner", "create", D(("name", "Zed " + marker))))!;
        var abe = (int)(await Admin("res.partner", "create", D(("name", "Abe " + marker))))!;
        var first = await CreateRecord(("description", marker), ("partner_id", zed));
        var second = await CreateRecord(("description", marker), ("partner_id", abe));
        var none = await CreateRecord(("description", marker));
        Assert.Equal([second, first, none], Ids(await Admin("test.record", "search", L(L("description", "=", marker)), 0, 0, "partner_id")));
        Assert.Equal([none, first, second], Ids(await Admin("test.record", "search", L(L("description", "=", marker)), 0, 0, "partner_id desc")));
        // res.users orders by login; its name is related to the partner and can be ordered too.
        Assert.NotEmpty(Ids(await Admin("res.users", "search", L(), 0, 0, "name desc")));
    }

    [Theory]
    [InlineData("name; DROP TABLE test_record", "Invalid order")]
    [InlineData("nosuchfield", "nosuchfield")]
    [InlineData("name sideways", "sideways")]
    [InlineData("line_ids", "not stored")]
    public async Task A_bad_order_is_a_ValueError_naming_it(string order, string expected)
    {
        var error = await Assert.ThrowsAsync<ValueErrorException>(() => Admin("test.record", "search", L(), 0, 0, order));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<object?, string> BadDomains => new()
    {
        { new List<object?> { new List<object?> { "nosuch", "=", 1 } }, "nosuch" },
        { new List<object?> { new List<object?> { "name", "~~", 1 } }, "~~" },
        { new List<object?> { new List<object?> { "name", "=" } }, "(field, operator, value)" },
        { new List<object?> { "&", new List<object?> { "name", "=", "x" } }, "operands" },
        { new List<object?> { "^", new List<object?> { "name", "=", "x" } }, "'^'" },
        { "name = 1", "list of terms" },
        { new List<object?> { new List<object?> { "amount", "=", "abc" } }, "amount" },
        { new List<object?> { new List<object?> { "line_count", "=", 1 } }, "not stored" },
        { new List<object?> { new List<object?> { "name.foo", "=", 1 } }, "not a relational field" },
    };

    [Theory]
    [MemberData(nameof(BadDomains))]
    public async Task A_malformed_domain_is_a_ValueError_naming_the_bad_term(object? domain, string expected)
    {
        var error = await Assert.ThrowsAsync<ValueErrorException>(() => Admin("test.record", "search", domain));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal("builtins.ValueError", error.PythonName);
    }

    [Fact]
    public async Task Long_lists_travel_as_one_parameter()
    {
        var (m, a, b, c, empty) = await SeedAsync();
        var ids = Enumerable.Range(1_000_000, 40_000).Cast<object?>().Append(a).Append(c).ToList();
        Assert.Equal([a, c], await Search(m, L("id", "in", ids)));
        Assert.Equal([b, empty], await Search(m, L("id", "not in", ids)));
        var names = Enumerable.Range(0, 500).Select(i => (object?)$"name{i}").Append("beta").ToList();
        Assert.Equal([b], await Search(m, L("name", "in", names)));
        var codes = Enumerable.Range(0, 500).Select(i => (object?)$"c{i}").Append("AA").Append(false).ToList();
        Assert.Equal([a, empty], await Search(m, L("code", "in", codes)));
        var dates = Enumerable.Range(0, 300).Select(i => (object?)new DateOnly(2000, 1, 1).AddDays(i).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).Append("2024-03-10").ToList();
        Assert.Equal([c], await Search(m, L("date", "in", dates)));
        Assert.Equal(L(a, c), await Admin("test.record", "exists", ids));
    }

    [Fact]
    public async Task Values_are_bound_so_quotes_are_just_characters()
    {
        var marker = Unique("inj");
        var id = await CreateRecord(("name", "O'Brien\"; --"), ("description", marker));
        Assert.Equal([id], await Search(marker, L("name", "=", "O'Brien\"; --")));
        Assert.Empty(await Search(marker, L("name", "=", "' OR '1'='1")));
    }
}

public sealed class SqliteDomainTests(SqliteOrmFixture fixture) : DomainTests(fixture), IClassFixture<SqliteOrmFixture>;

public sealed class PostgresDomainTests(PostgresOrmFixture fixture) : DomainTests(fixture), IClassFixture<PostgresOrmFixture>;

public sealed class SqliteHttpDomainTests(SqliteHttpOrmFixture fixture) : DomainTests(fixture), IClassFixture<SqliteHttpOrmFixture>;

public sealed class PostgresHttpDomainTests(PostgresHttpOrmFixture fixture) : DomainTests(fixture), IClassFixture<PostgresHttpOrmFixture>;

public sealed class SqliteJsonRpcDomainTests(SqliteJsonRpcOrmFixture fixture) : DomainTests(fixture), IClassFixture<SqliteJsonRpcOrmFixture>;
