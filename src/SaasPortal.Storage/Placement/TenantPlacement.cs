using System.Collections.Concurrent;

namespace SaasPortal.Storage.Placement;

/// <summary>
/// This node's cached map of tenant name → database server, read from the portal through an
/// <see cref="IPlacementSource"/>. It is reloaded when older than <see cref="MaxAge"/>, after a change made here,
/// and when a database was not found where the map said (another node placed or moved it): such a miss reloads at
/// most once per <see cref="MissInterval"/>, so a flood of calls naming unknown databases costs one query per interval.
/// </summary>
public sealed class TenantPlacement
{
    private readonly IPlacementSource _source;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _loading = new(1, 1);

    // Placements made by this node that the portal may not show yet: a tenant being created is copied onto its
    // server before the portal's transaction that records it commits.
    private readonly ConcurrentDictionary<string, Assignment> _assigned = new(StringComparer.Ordinal);
    private volatile Loaded _loaded = new(PlacementSnapshot.Empty, long.MinValue / 2);

    private sealed record Loaded(PlacementSnapshot Snapshot, long At);

    private sealed record Assignment(int ServerId, long At);

    /// <summary>Creates the map over <paramref name="source"/>; nothing is read until first use.</summary>
    public TenantPlacement(IPlacementSource source, TimeProvider? time = null)
    {
        _source = source;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Age after which the map is reloaded on use (other nodes' changes are seen within it).</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Shortest time between two reloads caused by a database not found where the map said.</summary>
    public TimeSpan MissInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a placement made here is trusted while the portal does not show it yet.</summary>
    public TimeSpan AssignmentLifetime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The map as last loaded (servers and remote tenants), without reloading.</summary>
    public PlacementSnapshot Current => _loaded.Snapshot;

    /// <summary>The map, reloaded first when older than <see cref="MaxAge"/>.</summary>
    public async ValueTask<PlacementSnapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        if (_time.GetElapsedTime(_loaded.At) > MaxAge)
        {
            await ReloadAsync(_time.GetTimestamp(), cancellationToken);
        }

        return _loaded.Snapshot;
    }

    /// <summary>
    /// The server of <paramref name="name"/>: an endpoint, or null for the installation's own server (every
    /// database the portal does not place elsewhere: the portal, templates, unknown names).
    /// </summary>
    public async ValueTask<ServerEndpoint?> ResolveAsync(string name, CancellationToken cancellationToken)
    {
        if (_time.GetElapsedTime(_loaded.At) > MaxAge)
        {
            await ReloadAsync(_time.GetTimestamp(), cancellationToken);
        }

        return Lookup(name);
    }

    /// <summary>
    /// After <paramref name="name"/> was not found on <paramref name="tried"/> (null: the own server): reloads the
    /// map unless it was loaded within <see cref="MissInterval"/>, and returns the server to try next, or
    /// <c>(false, …)</c> when the map still says <paramref name="tried"/>.
    /// </summary>
    public async Task<(bool Changed, ServerEndpoint? Server)> ResolveAfterMissAsync(string name, ServerEndpoint? tried, CancellationToken cancellationToken)
    {
        if (_time.GetElapsedTime(_loaded.At) >= MissInterval)
        {
            await ReloadAsync(_time.GetTimestamp(), cancellationToken);
        }

        var now = Lookup(name);
        return (now?.Id != tried?.Id, now);
    }

    /// <summary>
    /// Places <paramref name="name"/> on server record <paramref name="serverId"/> on this node now, before the portal
    /// records it; a record that is not another server (no connection) or null means the own server. Kept until a
    /// reload shows the portal agrees, <see cref="Forget"/> is called, or <see cref="AssignmentLifetime"/> passes.
    /// </summary>
    public async Task AssignAsync(string name, int? serverId, CancellationToken cancellationToken)
    {
        if (serverId is { } id && !_loaded.Snapshot.Servers.ContainsKey(id))
        {
            // A server added since the last load (maybe by another node): the portal knows it, so must the map.
            await ReloadAsync(_time.GetTimestamp(), cancellationToken);
        }

        var remote = serverId is { } known && _loaded.Snapshot.Servers.ContainsKey(known) ? known : 0;
        _assigned[name] = new Assignment(remote, _time.GetTimestamp());
    }

    /// <summary>Drops this node's own placement of <paramref name="name"/> (its creation failed or it was dropped).</summary>
    public void Forget(string name) => _assigned.TryRemove(name, out _);

    /// <summary>The endpoint of server record <paramref name="serverId"/>, or null when it is the own server.</summary>
    public ServerEndpoint? Endpoint(int? serverId) =>
        serverId is { } id && _loaded.Snapshot.Servers.TryGetValue(id, out var endpoint) ? endpoint : null;

    /// <summary>Reloads the map now (after this node changed the placement in the portal, which is committed).</summary>
    public Task RefreshAsync(CancellationToken cancellationToken) => ReloadAsync(_time.GetTimestamp(), cancellationToken);

    private ServerEndpoint? Lookup(string name)
    {
        var snapshot = _loaded.Snapshot;
        if (_assigned.TryGetValue(name, out var assignment))
        {
            if (_time.GetElapsedTime(assignment.At) <= AssignmentLifetime)
            {
                return snapshot.Servers.GetValueOrDefault(assignment.ServerId);
            }

            _assigned.TryRemove(KeyValuePair.Create(name, assignment));
        }

        return snapshot.Tenants.TryGetValue(name, out var id) ? snapshot.Servers.GetValueOrDefault(id) : null;
    }

    private async Task ReloadAsync(long requestedAt, CancellationToken cancellationToken)
    {
        await _loading.WaitAsync(cancellationToken);
        try
        {
            // Another caller loaded while this one waited: that load started after the request, so it is fresh enough.
            if (_loaded.At >= requestedAt)
            {
                return;
            }

            var startedAt = _time.GetTimestamp();
            var snapshot = await _source.LoadAsync(cancellationToken);
            _loaded = new Loaded(snapshot, startedAt);
            foreach (var (name, assignment) in _assigned)
            {
                var recorded = snapshot.Tenants.TryGetValue(name, out var id) ? id : 0;
                if (recorded == assignment.ServerId)
                {
                    _assigned.TryRemove(KeyValuePair.Create(name, assignment));
                }
            }
        }
        finally
        {
            _loading.Release();
        }
    }
}
