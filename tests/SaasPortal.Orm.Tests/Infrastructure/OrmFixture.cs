using SaasPortal.Orm.Registry;
using SaasPortal.Orm.Security;
using SaasPortal.Orm.Service;
using SaasPortal.Storage;
using SaasPortal.Testing;

namespace SaasPortal.Orm.Tests.Infrastructure;

/// <summary>
/// One database per test class with the test models and base data, on a real backend, behind a real
/// <see cref="OrmService"/>. Argon2 runs with cheap parameters here; production defaults are tested separately.
/// </summary>
public abstract class OrmFixture(DatabaseServerFixture databases) : IAsyncLifetime
{
    /// <summary>Cheap Argon2id parameters for tests (the algorithm and format are the production ones).</summary>
    public static readonly PasswordHashingOptions CheapHashing = new() { MemoryKib = 64, Iterations = 1, Parallelism = 1 };

    private static readonly Lazy<ModelRegistry> SharedRegistry = new(TestModels.BuildRegistry);

    public DatabaseServerFixture Databases { get; } = databases;

    public DatabaseBackend Backend => Databases.Backend;

    public ModelRegistry Registry => SharedRegistry.Value;

    public OrmSettings Settings { get; private set; } = null!;

    public OrmService Service { get; private set; } = null!;

    /// <summary>The class's database, with base data installed.</summary>
    public string Database { get; private set; } = "";

    public TestUsers Users { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await Databases.InitializeAsync();
        Settings = new OrmSettings { DataDirectory = Databases.DataDirectory, PasswordHashing = CheapHashing };
        Service = new OrmService(Databases.Server, new FixedRegistryProvider(Registry), Settings);
        (Database, Users) = await CreateDatabaseAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Another database with the same models and base data (a copy of the run's template; dropped with the fixture).</summary>
    public async Task<(string Name, TestUsers Users)> CreateDatabaseAsync(CancellationToken ct)
    {
        var template = await TemplateDatabases.GetAsync(Backend, Registry);
        var name = Databases.NewDatabaseName();
        if (template.File is { } file)
        {
            await Databases.Server.RestoreAsync(name, file, ct);
        }
        else
        {
            await Databases.Server.CopyAsync(template.Name, name, ct);
        }

        return (name, template.Users);
    }

    public async ValueTask DisposeAsync()
    {
        await Databases.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteOrmFixture() : OrmFixture(new SqliteDatabasesFixture());

public sealed class PostgresOrmFixture() : OrmFixture(new PostgresDatabasesFixture());
