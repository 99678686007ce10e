using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Tests.Infrastructure;

namespace SaasPortal.Orm.Tests;

/// <summary>
/// Whatever a client sends, the answer is one of Odoo's errors, never a crash of the server's own code
/// (NullReferenceException, InvalidCastException, SQL errors…) reaching the client.
/// </summary>
public abstract class GarbageInputTests(OrmFixture fixture) : OrmTestBase(fixture)
{
    private static readonly object?[] Garbage =
    [
        null, true, false, 0, -1, int.MaxValue, long.MaxValue, 1.5, double.MaxValue, "", "x", "'; DROP TABLE test_record; --",
        new byte[] { 1, 2 }, new DateTime(2024, 1, 1), new List<object?>(), new List<object?> { null }, new List<object?> { "a", 1, null },
        new List<object?> { new List<object?> { "name", "=", new Dictionary<string, object?>() } },
        new List<object?> { new List<object?> { new List<object?>(), "=", 1 } },
        new List<object?> { new List<object?> { "name", null, 1 } },
        new Dictionary<string, object?>(), new Dictionary<string, object?> { ["name"] = new List<object?> { 1 } },
        new Dictionary<string, object?> { ["tag_ids"] = new List<object?> { new List<object?> { 0, 0, "x" } } },
        new Dictionary<string, object?> { ["line_ids"] = new List<object?> { new List<object?> { 1, "x", null } } },
        new Dictionary<string, object?> { ["partner_id"] = new Dictionary<string, object?>() },
        new Dictionary<string, object?> { ["date"] = 5 }, new Dictionary<string, object?> { ["moment"] = true },
        new Dictionary<string, object?> { ["state"] = 3 }, new Dictionary<string, object?> { ["sequence"] = "1e99" },
    ];

    private static readonly string[] Methods =
    [
        "search", "search_count", "read", "search_read", "create", "write", "unlink", "fields_get", "name_get", "name_search",
        "name_create", "default_get", "exists", "copy", "check_access_rights", "check_access_rule", "read_group",
    ];

    [Fact]
    public async Task Every_method_answers_garbage_with_an_Odoo_error()
    {
        var unexpected = new List<string>();
        foreach (var method in Methods)
        {
            foreach (var first in Garbage)
            {
                foreach (var second in new object?[] { null, new List<object?> { 1 }, new Dictionary<string, object?> { ["name"] = 1 } })
                {
                    try
                    {
                        await Demo("test.record", method, first, second);
                    }
                    catch (OdooException)
                    {
                    }
                    catch (Exception e)
                    {
                        unexpected.Add($"{method}({Describe(first)}, {Describe(second)}): {e.GetType().Name}: {e.Message}");
                    }
                }
            }
        }

        Assert.Empty(unexpected);
    }

    private static string Describe(object? value) => value switch
    {
        null => "None",
        string s => $"'{s}'",
        System.Collections.IEnumerable e => $"[{string.Join(", ", e.Cast<object?>().Select(Describe))}]",
        _ => value.ToString() ?? "",
    };
}

public sealed class SqliteGarbageInputTests(SqliteOrmFixture fixture) : GarbageInputTests(fixture), IClassFixture<SqliteOrmFixture>;

public sealed class PostgresGarbageInputTests(PostgresOrmFixture fixture) : GarbageInputTests(fixture), IClassFixture<PostgresOrmFixture>;

public sealed class SqliteHttpGarbageInputTests(SqliteHttpOrmFixture fixture) : GarbageInputTests(fixture), IClassFixture<SqliteHttpOrmFixture>;

public sealed class PostgresHttpGarbageInputTests(PostgresHttpOrmFixture fixture) : GarbageInputTests(fixture), IClassFixture<PostgresHttpOrmFixture>;

public sealed class SqliteJsonRpcGarbageInputTests(SqliteJsonRpcOrmFixture fixture) : GarbageInputTests(fixture), IClassFixture<SqliteJsonRpcOrmFixture>;
