using System.Diagnostics;
using SaasPortal.Addons.Catalogue;
using SaasPortal.Storage.Dialects;

namespace SaasPortal.Bench.Suite;

/// <summary>
/// Installing and uninstalling <c>sale</c> (with mail, product, sales_team, account and auth_signup) through
/// ir.module.module's button_immediate_install / button_immediate_uninstall over XML-RPC, each round on a fresh
/// tenant; baseline: one transaction of plain CREATE TABLE for the same tables (<see cref="PlainModuleTables"/>)
/// on the same tenant, over ADO.NET.
/// </summary>
internal static class ModuleWorkload
{
    private static readonly string[] Sale = ["sale"];

    public static async Task<ModuleFigure> RunAsync(BenchServer server, SuiteOptions options, Action<string> log, CancellationToken cancellationToken)
    {
        var catalogue = await AddonCatalogue.LoadAsync(new AddonPaths().All, cancellationToken);
        SqlDialect dialect = server.Backend.IsPostgres ? PostgresDialect.Instance : SqliteDialect.Instance;
        var (plainSql, tables) = PlainModuleTables.For(catalogue, dialect, Sale);

        var install = new List<double>();
        var uninstall = new List<double>();
        var plain = new List<double>();
        for (var i = 0; i < options.ModuleIterations; i++)
        {
            var database = $"{server.Stem}-mod{i}";
            await server.CreateDatabaseAsync(database, cancellationToken);
            var ids = await server.Xml.CallAsync("object", "execute_kw", [database, 1, BenchServer.Admin, "ir.module.module", "search",
                new List<object?> { new List<object?> { new List<object?> { "name", "=", "sale" } } }], cancellationToken) as List<object?>;
            if (ids is not { Count: 1 })
            {
                throw new InvalidOperationException("ir.module.module has no single 'sale'");
            }

            async Task<double> ButtonAsync(string method)
            {
                var watch = Stopwatch.StartNew();
                await server.Xml.CallAsync("object", "execute_kw", [database, 1, BenchServer.Admin, "ir.module.module", method, new List<object?> { ids }], cancellationToken);
                return watch.Elapsed.TotalMilliseconds;
            }

            install.Add(await ButtonAsync("button_immediate_install"));
            await ExpectStateAsync(server, database, "installed", cancellationToken);
            uninstall.Add(await ButtonAsync("button_immediate_uninstall"));
            await ExpectStateAsync(server, database, "uninstalled", cancellationToken);

            await using (var connection = await server.OpenAsync(database, cancellationToken))
            {
                var watch = Stopwatch.StartNew();
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await BenchServer.ExecuteAsync(connection, plainSql, cancellationToken, transaction);
                await transaction.CommitAsync(cancellationToken);
                plain.Add(watch.Elapsed.TotalMilliseconds);
            }

            log($"  round {i + 1}: install {install[^1]:F0} ms, uninstall {uninstall[^1]:F0} ms, plain SQL ({tables} tables) {plain[^1]:F1} ms");
            await server.Xml.CallAsync("db", "drop", [server.Server.MasterPassword, database], cancellationToken);
        }

        return new ModuleFigure(options.ModuleIterations, tables, Median(install), Median(uninstall), Median(plain));
    }

    private static async Task ExpectStateAsync(BenchServer server, string database, string state, CancellationToken cancellationToken)
    {
        var rows = await server.Xml.CallAsync("object", "execute_kw", [database, 1, BenchServer.Admin, "ir.module.module", "search_read",
            new List<object?> { new List<object?> { new List<object?> { "name", "=", "sale" } } },
            new Dictionary<string, object?> { ["fields"] = new List<object?> { "state" } }], cancellationToken) as List<object?>;
        if (rows is not [Dictionary<string, object?> row] || row["state"] as string != state)
        {
            throw new InvalidOperationException($"sale is not {state} after the button");
        }
    }

    internal static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
