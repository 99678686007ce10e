using System.Text.Json.Nodes;
using SaasPortal.Storage;
using SaasPortal.Testing;

namespace SaasPortal.Mail.Tests;

/// <summary>
/// A real SMTP listener and a real <c>serve</c> process configured to send through it, with short intervals so
/// retries and notices happen within a test: poll every second, retry after 1 s doubling up to 2 s, give up after
/// <see cref="MaxAttempts"/> attempts. On PostgreSQL, <see cref="StartSecondNodeAsync"/> adds another node on the
/// same portal database.
/// </summary>
public abstract class MailServerFixture(DatabaseBackend backend) : IAsyncLifetime
{
    /// <summary>The portal administrator (the server's defaults on the loopback).</summary>
    public const string Admin = "admin";

    /// <summary>Attempts before a message is marked exception.</summary>
    public const int MaxAttempts = 4;

    private readonly List<ServerProcess> _nodes = [];
    private int _counter;

    /// <summary>Unique to this fixture: database names and e-mail addresses carry it.</summary>
    public string Prefix { get; } = "m" + Guid.NewGuid().ToString("N")[..7];

    /// <summary>The portal database.</summary>
    public string PortalDatabase => Prefix + "-portal";

    /// <summary>The SMTP server the portal sends through.</summary>
    public SmtpListener Smtp { get; } = new();

    /// <summary>The first node.</summary>
    public ServerProcess Server => _nodes[0];

    /// <summary>Base URL of the first node.</summary>
    public string Url => Server.Url;

    /// <summary>A JSON-RPC client of the first node.</summary>
    public JsonRpc Rpc { get; private set; } = null!;

    /// <summary>A fresh name (database, login) for one test.</summary>
    public string NewName(string hint) => $"{Prefix}-{Interlocked.Increment(ref _counter)}-{hint}";

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        _nodes.Add(await StartNodeAsync("a", TestContext.Current.CancellationToken));
        Rpc = new JsonRpc(Url);
    }

    /// <summary>Starts another node on the same portal database (PostgreSQL only: SQLite runs one node).</summary>
    public async Task<ServerProcess> StartSecondNodeAsync(CancellationToken cancellationToken)
    {
        var node = await StartNodeAsync("b", cancellationToken);
        _nodes.Add(node);
        return node;
    }

    /// <summary><c>execute_kw</c> as the portal's administrator.</summary>
    public async Task<JsonNode?> AdminAsync(string model, string method, object?[] args, Dictionary<string, object?>? kwargs = null)
    {
        var uid = await Rpc.LoginAsync(PortalDatabase, Admin, Admin) ?? throw new InvalidOperationException("admin cannot log in");
        return await Rpc.ExecuteAsync(PortalDatabase, uid, Admin, model, method, args, kwargs);
    }

    /// <summary>Queued messages to <paramref name="email"/> (state, attempts, failure_reason, template_code, once_key).</summary>
    public async Task<JsonArray> QueuedAsync(string email) =>
        (JsonArray)(await AdminAsync("mail.mail", "search_read", [new object[] { new object[] { "email_to", "=", email } }],
            new() { ["fields"] = new[] { "state", "attempts", "failure_reason", "template_code", "once_key", "subject" } }))!;

    /// <summary>Signs a customer up over RPC (as the web page does) and returns the login, also the e-mail address.</summary>
    public async Task<(string Login, int Uid)> SignupAsync(string hint, string password, string? name = null)
    {
        var login = NewName(hint) + "@example.com";
        await AdminAsync("res.users", "signup", [new Dictionary<string, object?> { ["login"] = login, ["name"] = name ?? hint, ["password"] = password }]);
        var uid = await Rpc.LoginAsync(PortalDatabase, login, password) ?? throw new InvalidOperationException("the new customer cannot log in");
        return (login, uid);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Rpc?.Dispose();
        foreach (var node in _nodes)
        {
            var dataDirectory = node.DataDirectory;
            await node.DisposeAsync();
            Directory.Delete(dataDirectory, recursive: true);
        }

        if (backend == DatabaseBackend.Postgres)
        {
            await TestPostgres.DropDatabasesAsync(Prefix, CancellationToken.None);
        }

        await Smtp.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private async Task<ServerProcess> StartNodeAsync(string node, CancellationToken cancellationToken)
    {
        var arguments = new List<string> { "--portal-db", PortalDatabase };
        if (backend == DatabaseBackend.Postgres)
        {
            arguments.AddRange(["--db-backend", "postgres", "--pg", await TestPostgres.ConnectionStringAsync(cancellationToken)]);
        }

        var environment = new Dictionary<string, string>
        {
            ["SaasPortal__Mail__Smtp__Host"] = "127.0.0.1",
            ["SaasPortal__Mail__Smtp__Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SaasPortal__Mail__From"] = "Portal <portal@example.com>",
            ["SaasPortal__Mail__PollInterval"] = "00:00:01",
            ["SaasPortal__Mail__RetryBaseDelay"] = "00:00:01",
            ["SaasPortal__Mail__RetryMaxDelay"] = "00:00:02",
            ["SaasPortal__Mail__MaxAttempts"] = MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SaasPortal__Mail__SmtpTimeout"] = "00:00:10",
            ["SaasPortal__Mail__NoticeInterval"] = "00:00:02",
        };
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"saasportal-mail-{Prefix}-{node}");
        return await ServerProcess.StartAsync(dataDirectory, arguments, cancellationToken, environment);
    }
}

/// <summary>The mail fixture on SQLite.</summary>
public sealed class SqliteMailServerFixture() : MailServerFixture(DatabaseBackend.Sqlite);

/// <summary>The mail fixture on PostgreSQL.</summary>
public sealed class PostgresMailServerFixture() : MailServerFixture(DatabaseBackend.Postgres);

[CollectionDefinition(Name)]
public sealed class SqliteMailCollection : ICollectionFixture<SqliteMailServerFixture>
{
    public const string Name = "mail-sqlite";
}

[CollectionDefinition(Name)]
public sealed class PostgresMailCollection : ICollectionFixture<PostgresMailServerFixture>
{
    public const string Name = "mail-postgres";
}
