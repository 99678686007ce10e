using System.Collections.Concurrent;
using SaasPortal.Orm.Registry;
using SaasPortal.Orm.Service;
using SaasPortal.Storage;
using SaasPortal.Testing;

[assembly: AssemblyFixture(typeof(SaasPortal.Orm.Tests.Infrastructure.TemplateDatabases))]

namespace SaasPortal.Orm.Tests.Infrastructure;

/// <summary>
/// One database per backend with the schema and base data, made once per test run and copied for every test
/// database (a file restore on SQLite, CREATE DATABASE … TEMPLATE on PostgreSQL), as the product copies plan
/// templates. Dropped when the run ends.
/// </summary>
public sealed class TemplateDatabases : IAsyncLifetime
{
    private static readonly ConcurrentDictionary<DatabaseBackend, Lazy<Task<Template>>> Templates = new();

    /// <summary>A ready template: its name on its server, the SQLite file to restore, and the users it holds.</summary>
    public sealed record Template(DatabaseServerFixture Holder, string Name, string? File, TestUsers Users);

    public static Task<Template> GetAsync(DatabaseBackend backend, ModelRegistry registry) =>
        Templates.GetOrAdd(backend, b => new Lazy<Task<Template>>(() => CreateAsync(b, registry))).Value;

    private static async Task<Template> CreateAsync(DatabaseBackend backend, ModelRegistry registry)
    {
        var ct = CancellationToken.None;
        DatabaseServerFixture holder = backend == DatabaseBackend.Postgres ? new PostgresDatabasesFixture() : new SqliteDatabasesFixture();
        await holder.InitializeAsync();
        var settings = new OrmSettings { DataDirectory = holder.DataDirectory, PasswordHashing = OrmFixture.CheapHashing };
        var service = new OrmService(holder.Server, new FixedRegistryProvider(registry), settings);
        var name = await holder.CreateDatabaseAsync(ct);
        var users = await service.RunAsync(name, OrmEnvironment.SuperuserId, write: true, env => BaseData.InstallAsync(env, ct), ct);
        string? file = null;
        if (backend == DatabaseBackend.Sqlite)
        {
            file = Path.Combine(holder.DataDirectory, "template" + Path.GetExtension(holder.Server.BackupFileName));
            await holder.Server.BackupAsync(name, file, ct);
        }

        return new Template(holder, name, file, users);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var lazy in Templates.Values)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
            {
                await lazy.Value.Result.Holder.DisposeAsync();
            }
        }
    }
}
