using SaasPortal.Security.Tests.Support;
using SaasPortal.Storage;

namespace SaasPortal.Security.Tests.Crash;

/// <summary>One client record as the portal shows it.</summary>
public sealed record ClientView(int Id, string Name, string State);

/// <summary>One <c>saas_portal.operation</c> row.</summary>
public sealed record OperationView(int Id, string Name, string Database, string State, string Error);

/// <summary>
/// What must hold after a crash and a restart, checked over RPC and on disk: every live client has its database,
/// every database is the portal's, the template or a live client's, no module is left 'to install', 'to upgrade'
/// or 'to remove', every database answers, and the crash journal, the temporary copies and the restore work
/// folders are empty.
/// </summary>
public static class CrashInvariants
{
    private static readonly string[] TransientStates = ["to install", "to upgrade", "to remove"];

    public static async Task<List<string>> CheckAsync(CrashServer server, JsonRpcCaller rpc, CancellationToken ct)
    {
        var violations = new List<string>();
        var databases = (Assert.IsType<List<object?>>(await rpc.CallAsync("db", "list", [], ct)))
            .OfType<string>().Where(d => d.StartsWith(server.Prefix, StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        var clients = await ClientsAsync(server, rpc, ct);
        var live = clients.Where(c => c.State != "deleted").Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var client in live.Where(c => !databases.Contains(c)))
        {
            violations.Add($"client {client} has no database");
        }

        foreach (var database in databases.Where(d => d != server.PortalDatabase && d != server.TemplateDatabase && !live.Contains(d)))
        {
            violations.Add($"database {database} has no live client record");
        }

        foreach (var database in databases)
        {
            try
            {
                var stuck = await rpc.ExecuteKwAsync(database, 1, CrashServer.AdminPassword, "ir.module.module", "search_read",
                    [new List<object?> { new List<object?> { "state", "in", TransientStates.Cast<object?>().ToList() } }],
                    new() { ["fields"] = new List<object?> { "name", "state" } }, ct);
                foreach (var row in Assert.IsType<List<object?>>(stuck).Cast<Dictionary<string, object?>>())
                {
                    violations.Add($"module {row["name"]} of {database} is left '{row["state"]}'");
                }

                await rpc.ExecuteKwAsync(database, 1, CrashServer.AdminPassword, "res.partner", "search_count", [new List<object?>()], null, ct);
            }
            catch (RpcFault fault)
            {
                violations.Add($"database {database} does not answer: {Faults.Clip(fault.Text)}");
            }
        }

        var journal = Path.Combine(server.DataDirectory, "journal");
        if (Directory.Exists(journal) && Directory.EnumerateFileSystemEntries(journal).Any())
        {
            violations.Add("the crash journal is not empty: " + string.Join(", ", Directory.EnumerateFileSystemEntries(journal).Select(Path.GetFileName)));
        }

        var temporary = Path.Combine(server.DataDirectory, "tmp");
        if (Directory.Exists(temporary) && Directory.EnumerateFileSystemEntries(temporary).Any())
        {
            violations.Add("restore work folders are left in tmp/");
        }

        if (server.Backend == DatabaseBackend.Sqlite)
        {
            var files = Path.Combine(server.DataDirectory, "db");
            foreach (var file in Directory.EnumerateFiles(files, ".*"))
            {
                violations.Add($"a temporary copy is left: {Path.GetFileName(file)}");
            }
        }

        return violations;
    }

    public static async Task<List<ClientView>> ClientsAsync(CrashServer server, JsonRpcCaller rpc, CancellationToken ct)
    {
        var rows = await rpc.ExecuteKwAsync(server.PortalDatabase, 1, CrashServer.AdminPassword, "saas_portal.client", "search_read", [new List<object?>()],
            new() { ["fields"] = new List<object?> { "name", "state" }, ["context"] = new Dictionary<string, object?> { ["active_test"] = false } }, ct);
        return [.. Assert.IsType<List<object?>>(rows).Cast<Dictionary<string, object?>>()
            .Select(r => new ClientView(Assert.IsType<int>(r["id"]), (string)r["name"]!, (string)r["state"]!))];
    }

    public static async Task<List<OperationView>> OperationsAsync(CrashServer server, JsonRpcCaller rpc, CancellationToken ct)
    {
        var rows = await rpc.ExecuteKwAsync(server.PortalDatabase, 1, CrashServer.AdminPassword, "saas_portal.operation", "search_read", [new List<object?>()],
            new() { ["fields"] = new List<object?> { "name", "database", "state", "error" }, ["order"] = "id" }, ct);
        return [.. Assert.IsType<List<object?>>(rows).Cast<Dictionary<string, object?>>()
            .Select(r => new OperationView(Assert.IsType<int>(r["id"]), (string)r["name"]!, (string)r["database"]!, (string)r["state"]!, r["error"] as string ?? ""))];
    }
}
