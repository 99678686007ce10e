using SaasPortal.Orm.Methods;
using SaasPortal.Orm.Tests.Infrastructure;

namespace SaasPortal.Orm.Tests;

/// <summary>
/// How many SQL statements a call sends: fixed per call, never one per record read (no N+1), so that a page of
/// records costs the same few round trips whatever its size.
/// </summary>
public abstract class StatementCountTests(OrmFixture fixture) : OrmTestBase(fixture)
{
    private static readonly List<object?> Fields = L("name", "ref", "email", "company_id", "parent_id");

    /// <summary>Partners with refs <c>prefix-000</c>… under two parent companies of two different res.company.</summary>
    private async Task<string> PartnersAsync(int count)
    {
        var prefix = Unique("sc");
        var companies = new[]
        {
            (int)(await Admin("res.company", "create", D(("name", prefix + " Co A"))))!,
            (int)(await Admin("res.company", "create", D(("name", prefix + " Co B"))))!,
        };
        var parents = new[]
        {
            (int)(await Admin("res.partner", "create", D(("name", prefix + " Parent A"), ("is_company", true))))!,
            (int)(await Admin("res.partner", "create", D(("name", prefix + " Parent B"), ("is_company", true))))!,
        };
        var vals = Enumerable.Range(0, count).Select(i => (object?)D(("name", $"{prefix} {i:D3}"), ("ref", $"{prefix}-{i:D3}"),
            ("email", $"p{i}@example.com"), ("company_id", companies[i % 2]), ("parent_id", parents[i % 2]))).ToList();
        await Admin("res.partner", "create", vals);
        return prefix;
    }

    /// <summary>Runs search_read as <paramref name="uid"/> in one transaction; returns its rows and the statements it sent.</summary>
    private Task<(int Statements, List<object?> Rows)> SearchReadAsync(int uid, string prefix, int limit) =>
        Fixture.Service.RunAsync(Fixture.Database, uid, write: false, async env =>
        {
            var before = env.Transaction.StatementCount;
            var rows = (List<object?>)(await MethodCall.InvokeAsync(env, env.Registry["res.partner"], "search_read",
                L(L(L("ref", "=like", prefix + "-%"))), D(("fields", Fields), ("limit", limit), ("order", "ref")), Ct))!;
            return (env.Transaction.StatementCount - before, rows);
        }, Ct);

    [Fact]
    public async Task Search_read_as_the_superuser_is_one_statement_for_the_records_and_one_per_many2one_comodel()
    {
        var prefix = await PartnersAsync(80);

        var (statements, rows) = await SearchReadAsync(Users.Admin, prefix, 80);

        Assert.Equal(80, rows.Count);
        var first = (Dictionary<string, object?>)rows[0]!;
        Assert.Equal($"{prefix}-000", first["ref"]);
        Assert.Equal($"{prefix} Co A", ((List<object?>)first["company_id"]!)[1]);
        Assert.Equal($"{prefix} Parent A", ((List<object?>)first["parent_id"]!)[1]);
        Assert.Equal($"{prefix} Co B", ((List<object?>)((Dictionary<string, object?>)rows[1]!)["company_id"]!)[1]);
        // The search reads the columns itself; res.company and res.partner names take one statement each.
        Assert.Equal(3, statements);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Search_read_sends_as_many_statements_for_eighty_records_as_for_two(bool superuser)
    {
        var prefix = await PartnersAsync(80);
        var uid = superuser ? Users.Admin : Users.Demo;

        var (few, fewRows) = await SearchReadAsync(uid, prefix, 2);
        var (many, manyRows) = await SearchReadAsync(uid, prefix, 80);

        Assert.Equal(2, fewRows.Count);
        Assert.Equal(80, manyRows.Count);
        Assert.Equal(few, many);
    }
}

public sealed class SqliteStatementCountTests(SqliteOrmFixture fixture) : StatementCountTests(fixture), IClassFixture<SqliteOrmFixture>;

public sealed class PostgresStatementCountTests(PostgresOrmFixture fixture) : StatementCountTests(fixture), IClassFixture<PostgresOrmFixture>;
