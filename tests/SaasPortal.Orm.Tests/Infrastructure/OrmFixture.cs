using SaasPortal.Client;
using SaasPortal.Orm.Registry;
using SaasPortal.Orm.Security;
using SaasPortal.Orm.Service;
using SaasPortal.Storage;
using SaasPortal.Testing;

namespace SaasPortal.Orm.Tests.Infrastructure;

/// <summary>
/// One database per test class with the test models and base data, on a real backend, behind a real
/// <see cref="OrmService"/>, reached through <see cref="Calls"/>: in-process, or over HTTP for the Http fixtures.
/// Argon2 runs with cheap parameters here; production defaults are tested separately.
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

    /// <summary>How the tests' execute_kw and authenticate calls reach <see cref="Service"/>.</summary>
    public ICallTransport Calls { get; private set; } = null!;

    /// <summary>The class's database, with base data installed.</summary>
    public string Database { get; private set; } = "";

    public TestUsers Users { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await Databases.InitializeAsync();
        Settings = new OrmSettings { DataDirectory = Databases.DataDirectory, PasswordHashing = CheapHashing };
        Service = new OrmService(Databases.Server, new FixedRegistryProvider(Registry), Settings);
        Calls = await ConnectAsync();
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

    /// <summary>The transport of this fixture's calls; in-process unless a subclass says otherwise.</summary>
    protected virtual Task<ICallTransport> ConnectAsync() => Task.FromResult<ICallTransport>(new InProcessCalls(Service));

    public async ValueTask DisposeAsync()
    {
        if (Calls is IAsyncDisposable transport)
        {
            await transport.DisposeAsync();
        }

        await Databases.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteOrmFixture() : OrmFixture(new SqliteDatabasesFixture());

public sealed class PostgresOrmFixture() : OrmFixture(new PostgresDatabasesFixture());

/// <summary>The same databases and service, called over HTTP through the shared <see cref="ConformanceEdge"/>.</summary>
public abstract class HttpOrmFixture(DatabaseServerFixture databases, RpcProtocol protocol) : OrmFixture(databases)
{
    protected override async Task<ICallTransport> ConnectAsync() => await ConformanceEdge.ConnectAsync(Databases.Prefix, Service, protocol);
}

/// <summary>SQLite over XML-RPC, as Python's xmlrpc.client calls.</summary>
public sealed class SqliteHttpOrmFixture() : HttpOrmFixture(new SqliteDatabasesFixture(), RpcProtocol.XmlRpc);

/// <summary>PostgreSQL over XML-RPC.</summary>
public sealed class PostgresHttpOrmFixture() : HttpOrmFixture(new PostgresDatabasesFixture(), RpcProtocol.XmlRpc);

/// <summary>SQLite over JSON-RPC (/jsonrpc), as OdooRPC and odoo-await call.</summary>
public sealed class SqliteJsonRpcOrmFixture() : HttpOrmFixture(new SqliteDatabasesFixture(), RpcProtocol.JsonRpc);
