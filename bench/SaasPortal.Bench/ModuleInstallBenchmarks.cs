using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using SaasPortal.Addons.Behaviours;
using SaasPortal.Addons.Catalogue;
using SaasPortal.Addons.Modules;
using SaasPortal.Orm;
using SaasPortal.Orm.Registry;
using SaasPortal.Orm.Security;
using SaasPortal.Orm.Service;
using SaasPortal.Storage;
using SaasPortal.Storage.Databases;
using SaasPortal.Storage.Dialects;

namespace SaasPortal.Bench;

/// <summary>
/// Installing <c>sale</c> with its dependencies (mail, product, sales_team, account, auth_signup) into a live
/// tenant that has base, and uninstalling it again, beside the time plain SQL takes to create the same tables
/// (CREATE TABLE with the same columns, no indexes, keys or metadata): the baseline of what install must do at
/// least. Each iteration gets a fresh tenant. See docs/benchmarks/modules.md.
/// </summary>
[Config(typeof(InProcessConfig))]
[MemoryDiagnoser]
public class ModuleInstallBenchmarks
{
    /// <summary>
    /// In-process, one invocation per iteration (each needs a fresh tenant): an install takes long enough that
    /// BenchmarkDotNet's separate boilerplate build only costs time, and on a busy 2-core machine it times out.
    /// </summary>
    public sealed class InProcessConfig : ManualConfig
    {
        public InProcessConfig() =>
            AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance)
                .WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(5).WithInvocationCount(1).WithUnrollFactor(1));
    }

    private static readonly string[] Sale = ["sale"];

    private string _dataDirectory = "";
    private IDatabaseServer _server = null!;
    private ModuleSystem _modules = null!;
    private ModuleOperations _operations = null!;
    private AddonDatabaseInitializer _initializer = null!;
    private string _database = "";
    private int _counter;
    private string _plainSql = "";

    [Params(DatabaseBackend.Sqlite, DatabaseBackend.Postgres)]
    public DatabaseBackend Backend { get; set; }

    [GlobalSetup]
    public void GlobalSetup()
    {
        _dataDirectory = Path.Combine(Path.GetTempPath(), "saasportal-bench-modules-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_dataDirectory);
        if (Backend == DatabaseBackend.Postgres)
        {
            var pg = Environment.GetEnvironmentVariable("SAASPORTAL_TEST_PG") is { Length: > 0 } configured ? configured : StartTestPostgres();
            _server = new PostgresDatabaseServer(
                new StorageOptions { Backend = Backend, DataDirectory = _dataDirectory, PostgresConnectionString = pg }, PostgresDialect.Instance);
        }
        else
        {
            _server = new SqliteDatabaseServer(new StorageOptions { Backend = Backend, DataDirectory = _dataDirectory }, SqliteDialect.Instance);
        }

        _modules = ModuleSystem.CreateAsync(_server, new AddonPaths(), BuiltInBehaviours.All, CancellationToken.None).GetAwaiter().GetResult();
        var orm = new OrmService(_server, _modules, new OrmSettings
        {
            DataDirectory = _dataDirectory,
            PasswordHashing = new PasswordHashingOptions { MemoryKib = 64, Iterations = 1, Parallelism = 1 },
        });
        _operations = new ModuleOperations(_modules, orm);
        _initializer = new AddonDatabaseInitializer(_modules, orm);
        _plainSql = PlainModuleTables.For(_modules.Catalogue, _server.Dialect, Sale).Sql;
    }

    [IterationSetup(Targets = [nameof(InstallSale), nameof(PlainSqlTables)])]
    public void FreshTenant() => _database = NewTenantAsync().GetAwaiter().GetResult();

    [IterationSetup(Target = nameof(UninstallSale))]
    public void TenantWithSale()
    {
        _database = NewTenantAsync().GetAwaiter().GetResult();
        _operations.InstallAsync(_database, Sale, CancellationToken.None).GetAwaiter().GetResult();
    }

    [IterationCleanup]
    public void DropTenant() => _server.DropAsync(_database, CancellationToken.None).GetAwaiter().GetResult();

    [Benchmark(Description = "install sale (+5 dependencies)")]
    public Task InstallSale() => _operations.InstallAsync(_database, Sale, CancellationToken.None);

    [Benchmark(Description = "uninstall sale")]
    public Task UninstallSale() => _operations.UninstallAsync(_database, Sale, CancellationToken.None);

    [Benchmark(Baseline = true, Description = "same tables by plain SQL")]
    public async Task PlainSqlTables()
    {
        await using var connection = await _server.OpenAsync(_database, CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = _plainSql;
        await command.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }

    [GlobalCleanup]
    public void GlobalCleanup()
    {
        if (_server is IAsyncDisposable disposable)
        {
            disposable.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        Directory.Delete(_dataDirectory, recursive: true);
    }

    private async Task<string> NewTenantAsync()
    {
        var name = $"bench_modules_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}";
        await _server.DropAsync(name, CancellationToken.None);
        await _server.CreateEmptyAsync(name, CancellationToken.None);
        await _initializer.InitializeAsync(new DatabaseInitialization { Name = name, Password = "bench" }, [], CancellationToken.None);
        return name;
    }

    private static string StartTestPostgres()
    {
        var script = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../scripts/test-postgres.sh"));
        var start = new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd().Trim().Split('\n')[^1];
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException("scripts/test-postgres.sh failed");
    }
}
