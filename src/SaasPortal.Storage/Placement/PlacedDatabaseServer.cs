using System.Collections.Concurrent;
using System.Data.Common;
using SaasPortal.Storage.Databases;
using SaasPortal.Storage.Dialects;

namespace SaasPortal.Storage.Placement;

/// <summary>
/// Several PostgreSQL servers seen as one <see cref="IDatabaseServer"/>: each call goes to the server
/// <see cref="TenantPlacement"/> names for the database (the installation's own server unless the portal placed the
/// tenant elsewhere). A database not found where the map said reloads the map and tries again, so a tenant placed or
/// moved by another node is found on its first call here. New databases go where they were assigned, else beside
/// their source (a copy or a rename stays on its source's server).
/// </summary>
public sealed class PlacedDatabaseServer : IDatabaseServer, IAsyncDisposable
{
    private readonly PostgresDatabaseServer _home;
    private readonly Func<ServerEndpoint, PostgresDatabaseServer> _connect;
    private readonly ConcurrentDictionary<int, Lazy<Connected>> _servers = new();
    private readonly ConcurrentBag<PostgresDatabaseServer> _retired = [];

    private sealed record Connected(string ConnectionString, string? PoolerConnectionString, PostgresDatabaseServer Server);

    /// <summary>Routes between <paramref name="home"/> and the servers of <paramref name="placement"/>, opened with <paramref name="connect"/>.</summary>
    public PlacedDatabaseServer(PostgresDatabaseServer home, TenantPlacement placement, Func<ServerEndpoint, PostgresDatabaseServer> connect)
    {
        _home = home;
        Placement = placement;
        _connect = connect;
    }

    /// <summary>The tenant → server map this router follows.</summary>
    public TenantPlacement Placement { get; }

    /// <summary>The installation's own server (the portal and the templates live there).</summary>
    public PostgresDatabaseServer Home => _home;

    /// <inheritdoc />
    public SqlDialect Dialect => _home.Dialect;

    /// <inheritdoc />
    public string BackupFileName => _home.BackupFileName;

    /// <summary>The server behind <paramref name="endpoint"/> (the own server for null), connected on first use.</summary>
    public PostgresDatabaseServer ServerFor(ServerEndpoint? endpoint)
    {
        if (endpoint is null)
        {
            return _home;
        }

        while (true)
        {
            var lazy = _servers.GetOrAdd(endpoint.Id, _ => new Lazy<Connected>(() => new Connected(endpoint.ConnectionString, endpoint.PoolerConnectionString, _connect(endpoint))));
            if (string.Equals(lazy.Value.ConnectionString, endpoint.ConnectionString, StringComparison.Ordinal)
                && string.Equals(lazy.Value.PoolerConnectionString, endpoint.PoolerConnectionString, StringComparison.Ordinal))
            {
                return lazy.Value.Server;
            }

            // The record's connection or PgBouncer changed: later calls use the new one; the old pools close with this router.
            if (_servers.TryRemove(KeyValuePair.Create(endpoint.Id, lazy)))
            {
                _retired.Add(lazy.Value.Server);
            }
        }
    }

    /// <summary>Tenant connections held by this process on every server, busy and idle.</summary>
    public int HeldConnections => _home.HeldConnections + _servers.Values.Where(s => s.IsValueCreated).Sum(s => s.Value.Server.HeldConnections);

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken)
    {
        var names = new SortedSet<string>(await _home.ListAsync(cancellationToken), StringComparer.Ordinal);
        foreach (var endpoint in (await Placement.SnapshotAsync(cancellationToken)).Servers.Values)
        {
            names.UnionWith(await ServerFor(endpoint).ListAsync(cancellationToken));
        }

        return [.. names];
    }

    /// <inheritdoc />
    public async Task<bool> ExistsAsync(string name, CancellationToken cancellationToken)
    {
        var endpoint = await Placement.ResolveAsync(DatabaseName.Validate(name), cancellationToken);
        if (await ServerFor(endpoint).ExistsAsync(name, cancellationToken))
        {
            return true;
        }

        var (changed, next) = await Placement.ResolveAfterMissAsync(name, endpoint, cancellationToken);
        return changed && await ServerFor(next).ExistsAsync(name, cancellationToken);
    }

    /// <inheritdoc />
    public async Task CreateEmptyAsync(string name, CancellationToken cancellationToken) =>
        await (await ResolveAsync(name, cancellationToken)).CreateEmptyAsync(name, cancellationToken);

    /// <inheritdoc />
    public async Task CopyAsync(string source, string target, CancellationToken cancellationToken)
    {
        var sourceEndpoint = await FindAsync(source, cancellationToken);
        var targetEndpoint = await Placement.ResolveAsync(DatabaseName.Validate(target), cancellationToken);
        if (targetEndpoint is null && sourceEndpoint is not null)
        {
            // Not assigned anywhere: a copy stays beside its source, as the portal records it (duplicate_database).
            await Placement.AssignAsync(target, sourceEndpoint.Id, cancellationToken);
            targetEndpoint = sourceEndpoint;
        }

        var from = ServerFor(sourceEndpoint);
        var to = ServerFor(targetEndpoint);
        try
        {
            if (ReferenceEquals(from, to))
            {
                await to.CopyAsync(source, target, cancellationToken);
            }
            else
            {
                await to.CopyFromAsync(from, source, target, cancellationToken);
            }
        }
        catch
        {
            // No copy: the name must not stay assigned to a server that does not hold it.
            Placement.Forget(target);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task RenameAsync(string source, string target, CancellationToken cancellationToken)
    {
        var endpoint = await FindAsync(source, cancellationToken);
        await ServerFor(endpoint).RenameAsync(source, target, cancellationToken);
        if (endpoint is not null)
        {
            await Placement.AssignAsync(target, endpoint.Id, cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task<bool> DropAsync(string name, CancellationToken cancellationToken)
    {
        var endpoint = await Placement.ResolveAsync(DatabaseName.Validate(name), cancellationToken);
        var dropped = await ServerFor(endpoint).DropAsync(name, cancellationToken);
        if (!dropped)
        {
            var (changed, next) = await Placement.ResolveAfterMissAsync(name, endpoint, cancellationToken);
            dropped = changed && await ServerFor(next).DropAsync(name, cancellationToken);
        }

        Placement.Forget(name);
        return dropped;
    }

    /// <inheritdoc />
    public async Task<long> SizeInBytesAsync(string name, CancellationToken cancellationToken) =>
        await (await ServerForExistingAsync(name, cancellationToken)).SizeInBytesAsync(name, cancellationToken);

    /// <inheritdoc />
    public async Task<DbConnection> OpenAsync(string name, CancellationToken cancellationToken)
    {
        var endpoint = await Placement.ResolveAsync(DatabaseName.Validate(name), cancellationToken);
        try
        {
            return await ServerFor(endpoint).OpenAsync(name, cancellationToken);
        }
        catch (DatabaseNotFoundException)
        {
            var (changed, next) = await Placement.ResolveAfterMissAsync(name, endpoint, cancellationToken);
            if (!changed)
            {
                throw;
            }

            return await ServerFor(next).OpenAsync(name, cancellationToken);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Every server is asked, not only the one the placement names now: the failed work may have run on another
    /// server's connection, and the placement may have been reloaded while it waited.
    /// </remarks>
    public async Task<bool> DiscardStaleConnectionsAsync(string name, Exception error, CancellationToken cancellationToken)
    {
        DatabaseName.Validate(name);
        var discarded = await _home.DiscardStaleConnectionsAsync(name, error, cancellationToken);
        foreach (var server in _servers.Values.Where(s => s.IsValueCreated).Select(s => s.Value.Server))
        {
            discarded |= await server.DiscardStaleConnectionsAsync(name, error, cancellationToken);
        }

        return discarded;
    }

    /// <inheritdoc />
    public async Task BackupAsync(string name, string file, CancellationToken cancellationToken) =>
        await (await ServerForExistingAsync(name, cancellationToken)).BackupAsync(name, file, cancellationToken);

    /// <inheritdoc />
    public async Task RestoreAsync(string name, string file, CancellationToken cancellationToken) =>
        await (await ResolveAsync(name, cancellationToken)).RestoreAsync(name, file, cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers.Values.Where(s => s.IsValueCreated).Select(s => s.Value.Server).Concat(_retired))
        {
            await server.DisposeAsync();
        }

        _servers.Clear();
        await _home.DisposeAsync();
    }

    private async Task<PostgresDatabaseServer> ResolveAsync(string name, CancellationToken cancellationToken) =>
        ServerFor(await Placement.ResolveAsync(DatabaseName.Validate(name), cancellationToken));

    private async Task<PostgresDatabaseServer> ServerForExistingAsync(string name, CancellationToken cancellationToken) =>
        ServerFor(await FindAsync(name, cancellationToken));

    /// <summary>The endpoint where <paramref name="name"/> exists now, reloading the map once if it is not where the map said.</summary>
    private async Task<ServerEndpoint?> FindAsync(string name, CancellationToken cancellationToken)
    {
        var endpoint = await Placement.ResolveAsync(DatabaseName.Validate(name), cancellationToken);
        if (await ServerFor(endpoint).ExistsAsync(name, cancellationToken))
        {
            return endpoint;
        }

        var (changed, next) = await Placement.ResolveAfterMissAsync(name, endpoint, cancellationToken);
        return changed ? next : endpoint;
    }
}
