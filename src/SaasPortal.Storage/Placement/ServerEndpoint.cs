namespace SaasPortal.Storage.Placement;

/// <summary>
/// A PostgreSQL server that holds tenants besides the installation's own: the portal's <c>saas_portal.server</c>
/// record <paramref name="Id"/>, reached with <paramref name="ConnectionString"/>.
/// </summary>
/// <param name="Id">The server record's id.</param>
/// <param name="Name">The record's name, for messages.</param>
/// <param name="ConnectionString">Npgsql connection string with the resolved password: never log or return it.</param>
/// <param name="PoolerConnectionString">
/// A PgBouncer in transaction mode in front of the server, with the resolved password, or null: tenant connections go
/// through it (<see cref="StorageOptions.PostgresPoolerConnectionString"/>).
/// </param>
public sealed record ServerEndpoint(int Id, string Name, string ConnectionString, string? PoolerConnectionString = null)
{
    /// <summary>The name only: the connection string carries a password.</summary>
    public override string ToString() => Name;
}

/// <summary>
/// Where tenants live, as the portal database records it: the servers other than the installation's own (by record
/// id) and the tenants placed on them. A tenant not listed lives on the installation's own server.
/// </summary>
public sealed record PlacementSnapshot(IReadOnlyDictionary<int, ServerEndpoint> Servers, IReadOnlyDictionary<string, int> Tenants)
{
    /// <summary>Every tenant on the installation's own server.</summary>
    public static PlacementSnapshot Empty { get; } = new(new Dictionary<int, ServerEndpoint>(), new Dictionary<string, int>(StringComparer.Ordinal));
}

/// <summary>Reads the placement from where it is recorded (the portal database).</summary>
public interface IPlacementSource
{
    /// <summary>The current placement; <see cref="PlacementSnapshot.Empty"/> when nothing is recorded yet.</summary>
    Task<PlacementSnapshot> LoadAsync(CancellationToken cancellationToken);
}
