using SaasPortal.Orm.Service;

namespace SaasPortal.Addons.Tests.Infrastructure;

/// <summary>Calls as an RPC client would (credentials checked, access control applied), through the ORM's execute_kw entry point.</summary>
public sealed class Rpc(OrmService orm, string database, int uid, string password)
{
    public int Uid => uid;

    public Task<object?> CallAsync(string model, string method, params object?[] args) =>
        orm.ExecuteKwAsync(database, uid, password, model, method, args, new Dictionary<string, object?>(), TestContext.Current.CancellationToken);

    public Task<object?> CallKwAsync(string model, string method, object?[] args, Dictionary<string, object?> kwargs) =>
        orm.ExecuteKwAsync(database, uid, password, model, method, args, kwargs, TestContext.Current.CancellationToken);

    /// <summary>The id of module <paramref name="name"/> in ir.module.module.</summary>
    public async Task<int> ModuleIdAsync(string name)
    {
        var ids = (List<object?>)(await CallAsync("ir.module.module", "search", Domain(("name", "=", name))))!;
        return ids.Count == 1 ? (int)ids[0]! : throw new InvalidOperationException($"module {name} is not listed");
    }

    /// <summary>State of each named module.</summary>
    public async Task<Dictionary<string, string>> StatesAsync(params string[] names)
    {
        var rows = (List<object?>)(await CallKwAsync("ir.module.module", "search_read",
            [Domain(("name", "in", names.Cast<object?>().ToList()))], new() { ["fields"] = new List<object?> { "name", "state" } }))!;
        return rows.Cast<Dictionary<string, object?>>().ToDictionary(r => (string)r["name"]!, r => (string)r["state"]!);
    }

    public async Task InstallAsync(params string[] names)
    {
        foreach (var name in names)
        {
            await CallAsync("ir.module.module", "button_immediate_install", new List<object?> { await ModuleIdAsync(name) });
        }
    }

    public async Task UninstallAsync(string name) =>
        await CallAsync("ir.module.module", "button_immediate_uninstall", new List<object?> { await ModuleIdAsync(name) });

    public static List<object?> Domain(params (string Field, string Op, object? Value)[] terms) =>
        terms.Select(t => (object?)new List<object?> { t.Field, t.Op, t.Value }).ToList();

    public static Dictionary<string, object?> Vals(params (string Key, object? Value)[] values) =>
        values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);

    public static List<object?> List(params object?[] items) => [.. items];
}
