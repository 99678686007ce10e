using SaasPortal.Security.Tests.Support;
using SaasPortal.Storage;
using SaasPortal.Testing;

namespace SaasPortal.Security.Tests.Crash;

/// <summary>
/// A real <c>serve</c> process that the crash tests kill with SIGKILL (<see cref="ServerProcess.DisposeAsync"/> kills
/// the process tree) and start again on the same data directory and portal. Its databases carry a prefix of their
/// own, so on a shared PostgreSQL cluster only they are looked at and dropped at the end.
/// </summary>
public abstract class CrashServer(DatabaseBackend backend) : IAsyncLifetime
{
    public const string AdminPassword = "admin";

    private ServerProcess? _server;

    public DatabaseBackend Backend { get; } = backend;

    public string Prefix { get; } = "c" + Guid.NewGuid().ToString("N")[..7];

    public string PortalDatabase => Prefix + "-portal";

    public string TemplateDatabase => PortalDatabase + "-template";

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "saasportal-crash-" + Guid.NewGuid().ToString("N")[..8]);

    public string Url => (_server ?? throw new InvalidOperationException("The server is not running.")).Url;

    /// <summary>The portal user that owns the tenants the tests create.</summary>
    public int OwnerUid { get; private set; }

    /// <summary>Everything the last server process printed (for failure messages).</summary>
    public string Output => _server?.Output ?? "";

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        await StartAsync(ct);
        using var rpc = new JsonRpcCaller(Url);
        var login = Prefix + "-owner@example.com";
        await rpc.ExecuteKwAsync(PortalDatabase, 1, AdminPassword, "res.users", "signup",
            [new Dictionary<string, object?> { ["login"] = login, ["name"] = "Crash owner", ["password"] = "owner password" }], null, ct);
        OwnerUid = Assert.IsType<int>(await rpc.CallAsync("common", "authenticate",
            [PortalDatabase, login, "owner password", new Dictionary<string, object?>()], ct));
    }

    /// <summary>Starts the server (again) on the same data directory and waits until it answers.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var arguments = new List<string> { "--portal-db", PortalDatabase };
        if (Backend == DatabaseBackend.Postgres)
        {
            arguments.AddRange(["--db-backend", "postgres", "--pg", await TestPostgres.ConnectionStringAsync(cancellationToken)]);
        }

        _server = await ServerProcess.StartAsync(DataDirectory, arguments, cancellationToken);
    }

    /// <summary>SIGKILL: no shutdown code of the server runs.</summary>
    public async Task KillAsync()
    {
        if (_server is { } server)
        {
            await server.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        if (Backend == DatabaseBackend.Postgres)
        {
            await TestPostgres.DropDatabasesAsync(Prefix, CancellationToken.None);
        }

        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }

        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteCrashServer() : CrashServer(DatabaseBackend.Sqlite);

public sealed class PostgresCrashServer() : CrashServer(DatabaseBackend.Postgres);
