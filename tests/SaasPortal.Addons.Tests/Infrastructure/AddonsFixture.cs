using SaasPortal.Addons.Behaviours;
using SaasPortal.Addons.Catalogue;
using SaasPortal.Addons.Modules;
using SaasPortal.Orm;
using SaasPortal.Orm.Security;
using SaasPortal.Orm.Service;
using SaasPortal.Storage;
using SaasPortal.Storage.Databases;
using SaasPortal.Testing;

namespace SaasPortal.Addons.Tests.Infrastructure;

/// <summary>
/// The module system over a real backend: the built-in catalogue plus an operator folder tests write addons
/// into, a real <see cref="OrmService"/>, and fresh initialised databases on demand.
/// </summary>
public abstract class AddonsFixture(DatabaseServerFixture databases) : IAsyncLifetime
{
    /// <summary>Cheap Argon2id parameters for tests (the production algorithm and format).</summary>
    public static readonly PasswordHashingOptions CheapHashing = new() { MemoryKib = 64, Iterations = 1, Parallelism = 1 };

    public const string AdminPassword = "admin-secret";

    public DatabaseServerFixture Databases { get; } = databases;

    public DatabaseBackend Backend => Databases.Backend;

    /// <summary>An addons folder of the "operator", searched after the built-in one.</summary>
    public string OperatorAddons { get; } = Path.Combine(Path.GetTempPath(), "saasportal-operator-addons-" + Guid.NewGuid().ToString("N")[..8]);

    public ModuleSystem Modules { get; private set; } = null!;

    public OrmService Orm { get; private set; } = null!;

    public ModuleOperations Operations { get; private set; } = null!;

    public AddonDatabaseInitializer Initializer { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await Databases.InitializeAsync();
        Directory.CreateDirectory(OperatorAddons);
        var paths = new AddonPaths { Extra = [OperatorAddons] };
        Modules = await ModuleSystem.CreateAsync(Databases.Server, paths, BuiltInBehaviours.All, TestContext.Current.CancellationToken);
        Orm = new OrmService(Databases.Server, Modules,
            new OrmSettings { DataDirectory = Databases.DataDirectory, PasswordHashing = CheapHashing });
        Operations = new ModuleOperations(Modules, Orm);
        Initializer = new AddonDatabaseInitializer(Modules, Orm);
    }

    /// <summary>A new database with base (and <paramref name="addons"/>) installed; admin's password is <see cref="AdminPassword"/>.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken, params string[] addons)
    {
        var name = await Databases.CreateDatabaseAsync(cancellationToken);
        await Initializer.InitializeAsync(new DatabaseInitialization { Name = name, Password = AdminPassword, CountryCode = "be" }, addons, cancellationToken);
        return name;
    }

    /// <summary>Runs <paramref name="work"/> as the superuser in one transaction.</summary>
    public Task<T> SuperAsync<T>(string database, Func<OrmEnvironment, Task<T>> work, CancellationToken cancellationToken) =>
        Orm.RunAsync(database, OrmEnvironment.SuperuserId, write: true, work, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Databases.DisposeAsync();
        if (Directory.Exists(OperatorAddons))
        {
            Directory.Delete(OperatorAddons, recursive: true);
        }

        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteAddonsFixture() : AddonsFixture(new SqliteDatabasesFixture());

public sealed class PostgresAddonsFixture() : AddonsFixture(new PostgresDatabasesFixture());
