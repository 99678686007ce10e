using SaasPortal.Orm.Methods;

namespace SaasPortal.Orm.Tests.Infrastructure;

/// <summary>
/// Helpers shared by the conformance tests: calls through the fixture's transport (in-process or over HTTP),
/// wire-value builders. <see cref="AsAdminAsync{T}"/> always runs in-process, on the same database.
/// </summary>
public abstract class OrmTestBase(OrmFixture fixture)
{
    protected OrmFixture Fixture { get; } = fixture;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected TestUsers Users => Fixture.Users;

    /// <summary>execute_kw and authenticate, as the fixture carries them (in-process or over HTTP).</summary>
    protected ICallTransport Calls => Fixture.Calls;

    /// <summary>execute_kw as the administrator (uid 1, the superuser).</summary>
    protected Task<object?> Admin(string model, string method, params object?[] args) =>
        Calls.ExecuteKwAsync(Fixture.Database, Users.Admin, "admin", model, method, args, MethodCall.NoKwargs, Ct);

    protected Task<object?> AdminKw(string model, string method, IReadOnlyList<object?> args, Dictionary<string, object?> kwargs) =>
        Calls.ExecuteKwAsync(Fixture.Database, Users.Admin, "admin", model, method, args, kwargs, Ct);

    /// <summary>execute_kw as the demo user (an employee).</summary>
    protected Task<object?> Demo(string model, string method, params object?[] args) =>
        Calls.ExecuteKwAsync(Fixture.Database, Users.Demo, "demo", model, method, args, MethodCall.NoKwargs, Ct);

    /// <summary>execute_kw as the portal user.</summary>
    protected Task<object?> Portal(string model, string method, params object?[] args) =>
        Calls.ExecuteKwAsync(Fixture.Database, Users.Portal, "portal", model, method, args, MethodCall.NoKwargs, Ct);

    protected Task<T> AsAdminAsync<T>(Func<OrmEnvironment, Task<T>> work) =>
        Fixture.Service.RunAsync(Fixture.Database, OrmEnvironment.SuperuserId, write: true, work, Ct);

    protected static List<object?> L(params object?[] items) => [.. items];

    protected static Dictionary<string, object?> D(params (string Key, object? Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    /// <summary>A domain of one term.</summary>
    protected static List<object?> Where(string field, string op, object? value) => [L(field, op, value)];

    protected static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    protected async Task<int> CreateRecord(params (string Key, object? Value)[] values)
    {
        var vals = D(values);
        vals.TryAdd("name", Unique("rec"));
        return (int)(await Admin("test.record", "create", vals))!;
    }

    protected async Task<Dictionary<string, object?>> ReadOne(string model, int id, params string[] fields)
    {
        var rows = (List<object?>)(await Admin(model, "read", L(id), fields.Length == 0 ? null : L([.. fields])))!;
        return (Dictionary<string, object?>)Assert.Single(rows)!;
    }

    protected static List<int> Ids(object? value) => ((List<object?>)value!).Select(v => (int)v!).ToList();
}
