namespace SaasPortal.Client;

/// <summary>
/// The entry point: one server, spoken to over XML-RPC or JSON-RPC. Thread-safe; keep one per server (it holds no
/// connection of its own: the <see cref="HttpClient"/> does).
/// </summary>
/// <example>
/// <code>
/// var client = new OdooClient(httpClient, new Uri("https://erp.example.com"));
/// var session = await client.LoginAsync("shop", "admin", "secret", ct);
/// var partners = await session.Model("res.partner").SearchReadAsync([["is_company", "=", true]], ["name"], ct);
/// </code>
/// </example>
public sealed class OdooClient
{
    /// <summary>A client for <paramref name="serverUrl"/> over <paramref name="protocol"/>, sending with <paramref name="httpClient"/> (owned by the caller).</summary>
    public OdooClient(HttpClient httpClient, Uri serverUrl, RpcProtocol protocol = RpcProtocol.XmlRpc)
        : this(protocol switch
        {
            RpcProtocol.XmlRpc => new XmlRpcTransport(httpClient, serverUrl),
            RpcProtocol.JsonRpc => new JsonRpcTransport(httpClient, serverUrl),
            _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "Unknown protocol."),
        })
    {
    }

    /// <summary>A client over a transport of the caller's (a test double, another protocol, a retrying decorator).</summary>
    public OdooClient(IRpcTransport transport)
    {
        Transport = transport ?? throw new ArgumentNullException(nameof(transport));
        Common = new CommonApi(transport);
        Db = new DbApi(transport);
        Object = new ObjectApi(transport);
    }

    /// <summary>The transport every call goes through.</summary>
    public IRpcTransport Transport { get; }

    /// <summary>The <c>common</c> service: version, login, authenticate.</summary>
    public CommonApi Common { get; }

    /// <summary>The <c>db</c> service: list and manage databases.</summary>
    public DbApi Db { get; }

    /// <summary>The <c>object</c> service: execute_kw.</summary>
    public ObjectApi Object { get; }

    /// <summary>Authenticates and returns a session that sends these credentials with every call.</summary>
    /// <exception cref="OdooFaultException">Wrong credentials (code 3, <c>AccessDenied</c>), as the server itself would fault a call.</exception>
    public async Task<OdooSession> LoginAsync(string database, string login, string password, CancellationToken cancellationToken)
    {
        var uid = await Common.AuthenticateAsync(database, login, password, cancellationToken).ConfigureAwait(false)
            ?? throw new OdooFaultException(OdooFaultException.AccessDenied, "AccessDenied", "Access Denied", "Access Denied");
        return new OdooSession(this, database, uid, password);
    }

    /// <summary>A session for credentials already known (a uid from an earlier authenticate); nothing is checked until the first call.</summary>
    public OdooSession Session(string database, int uid, string password) => new(this, database, uid, password);
}
