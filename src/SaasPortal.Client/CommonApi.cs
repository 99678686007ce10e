namespace SaasPortal.Client;

/// <summary>What <c>common.version()</c> reports.</summary>
/// <param name="ServerVersion">e.g. <c>8.0</c>.</param>
/// <param name="ServerVersionInfo">e.g. <c>[8, 0, 0, "final", 0]</c>.</param>
/// <param name="ServerSerie">e.g. <c>8.0</c>.</param>
/// <param name="ProtocolVersion">The external API's protocol version (1).</param>
public sealed record VersionInfo(string ServerVersion, IReadOnlyList<object?> ServerVersionInfo, string ServerSerie, int ProtocolVersion);

/// <summary>The <c>common</c> service: version and credentials. Bad credentials are not faults here: they give null.</summary>
public sealed class CommonApi
{
    private const string Service = "common";
    private readonly IRpcTransport _transport;

    internal CommonApi(IRpcTransport transport) => _transport = transport;

    /// <summary><c>common.version()</c>: the server's version, no credentials needed.</summary>
    public async Task<VersionInfo> VersionAsync(CancellationToken cancellationToken)
    {
        var info = Wire.Struct(await _transport.CallAsync(Service, "version", [], cancellationToken).ConfigureAwait(false), "version()");
        return new VersionInfo(
            info.GetValueOrDefault("server_version") as string ?? "",
            info.GetValueOrDefault("server_version_info") as List<object?> ?? [],
            info.GetValueOrDefault("server_serie") as string ?? "",
            info.GetValueOrDefault("protocol_version") is int protocol ? protocol : 0);
    }

    /// <summary><c>common.login(db, login, password)</c>: the user's id, or null when the credentials are wrong.</summary>
    public async Task<int?> LoginAsync(string database, string login, string password, CancellationToken cancellationToken) =>
        Wire.OptionalId(await _transport.CallAsync(Service, "login", [database, login, password], cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// <c>common.authenticate(db, login, password, user_agent_env)</c>: the user's id, or null when the credentials
    /// are wrong. <paramref name="userAgentEnvironment"/> only feeds the server's login log.
    /// </summary>
    public async Task<int?> AuthenticateAsync(string database, string login, string password, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, object?>? userAgentEnvironment = null) =>
        Wire.OptionalId(await _transport.CallAsync(Service, "authenticate",
            [database, login, password, userAgentEnvironment ?? new Dictionary<string, object?>(StringComparer.Ordinal)], cancellationToken).ConfigureAwait(false));
}
