using System.Collections.Frozen;
using Microsoft.Extensions.Logging;
using SaasPortal.Orm;
using SaasPortal.Orm.Service;

namespace SaasPortal.Saas.Domains;

/// <summary>Settings of the custom-domain routing cache.</summary>
public sealed record DomainDirectorySettings
{
    /// <summary>The portal database that holds the domains.</summary>
    public required string PortalDatabase { get; init; }

    /// <summary>
    /// How long a node trusts its copy of the verified domains. Changes made on a node are seen there at once; other
    /// nodes see them after at most this long. 30 seconds unless configured (<c>SaasPortal:Domains:CacheTtl</c>).
    /// </summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Which tenant database a verified custom host name routes to. Every RPC call and tenant page asks, so an answer is
/// a lookup in an immutable dictionary of all domains (verified ones with their database, pending ones as such), reloaded from the portal in one query when it is
/// older than <see cref="DomainDirectorySettings.Ttl"/> (in the background, the old copy answering meanwhile) or at
/// once after <see cref="Invalidate"/>. The map points at the client, whose current name is read at load time, so a
/// renamed tenant keeps its domains.
/// </summary>
public sealed partial class DomainDirectory(Func<OrmService> orm, DomainDirectorySettings settings, TimeProvider time, ILogger<DomainDirectory> logger)
{
    // After a change the writer's transaction may commit a moment after it invalidated us: copies loaded within this
    // window live only briefly, so a load that still saw the old rows cannot be kept for a whole TTL.
    private static readonly TimeSpan SettleWindow = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan SettlingTtl = TimeSpan.FromMilliseconds(500);

    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile Snapshot? _snapshot;
    private long _invalidatedAt = long.MinValue;
    private int _refreshing;

    /// <summary>The tenant database a verified custom domain routes to, or null when <paramref name="host"/> is not one.</summary>
    public async ValueTask<string?> DatabaseOfAsync(string host, CancellationToken cancellationToken) =>
        (await CurrentAsync(cancellationToken)).Databases.GetValueOrDefault(host);

    /// <summary>Whether <paramref name="host"/> was added by a client but is not verified (yet): it routes nowhere.</summary>
    public async ValueTask<bool> IsPendingAsync(string host, CancellationToken cancellationToken) =>
        (await CurrentAsync(cancellationToken)).Pending.Contains(host);

    private async ValueTask<Snapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        var now = time.GetTimestamp();
        if (snapshot is null)
        {
            snapshot = await LoadAsync(cancellationToken);
        }
        else if (now >= snapshot.ExpiresAt && Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0)
        {
            // Stale but usable: refresh without making this call wait for the portal database.
            _ = Task.Run(async () =>
            {
                try
                {
                    await LoadAsync(CancellationToken.None);
                }
                finally
                {
                    Volatile.Write(ref _refreshing, 0);
                }
            }, CancellationToken.None);
        }

        return snapshot;
    }

    /// <summary>Forgets the copy so that the next lookup reloads it; called by every change to domains or client names.</summary>
    public void Invalidate()
    {
        Interlocked.Exchange(ref _invalidatedAt, time.GetTimestamp());
        _snapshot = null;
    }

    private async Task<Snapshot> LoadAsync(CancellationToken cancellationToken)
    {
        await _loading.WaitAsync(cancellationToken);
        try
        {
            var started = time.GetTimestamp();
            if (_snapshot is { } fresh && started < fresh.ExpiresAt)
            {
                return fresh;
            }

            (FrozenDictionary<string, string> Databases, FrozenSet<string> Pending) routes;
            var ttl = settings.Ttl;
            try
            {
                routes = await orm().RunAsync(settings.PortalDatabase, OrmEnvironment.SuperuserId, write: false,
                    env => ReadRoutesAsync(env, cancellationToken), cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // No portal yet (first start) or a schema before `serve --upgrade`: route no custom domain, retry soon.
                LogLoadFailed(logger, e);
                routes = (FrozenDictionary<string, string>.Empty, FrozenSet<string>.Empty);
                ttl = TimeSpan.FromSeconds(2);
            }

            if (time.GetElapsedTime(Interlocked.Read(ref _invalidatedAt), started) < SettleWindow)
            {
                ttl = SettlingTtl;
            }

            var snapshot = new Snapshot(routes.Databases, routes.Pending, started + (long)(ttl.TotalSeconds * time.TimestampFrequency));
            _snapshot = snapshot;
            return snapshot;
        }
        finally
        {
            _loading.Release();
        }
    }

    private static async Task<(FrozenDictionary<string, string>, FrozenSet<string>)> ReadRoutesAsync(OrmEnvironment portal, CancellationToken cancellationToken)
    {
        var rows = await (await portal.Sudo()[DomainOperations.Model].SearchAsync(new List<object?>(), cancellationToken)).ReadAsync(["name", "client_id", "state"], cancellationToken);
        var clientIds = rows.Where(r => Wire.Text(r["state"]) == "verified").Select(r => Wire.Many2oneId(r["client_id"])).OfType<int>().Distinct().ToList();
        var clients = await portal.Sudo()["saas_portal.client"].Browse(clientIds).ReadAsync(["name", "state"], cancellationToken);
        var live = clients.Where(c => Wire.Text(c["state"]) != "deleted").ToDictionary(c => (int)c["id"]!, c => Wire.Text(c["name"])!);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var pending = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (Wire.Text(row["name"]) is not { } host)
            {
                continue;
            }

            if (Wire.Text(row["state"]) != "verified")
            {
                pending.Add(host);
            }
            else if (Wire.Many2oneId(row["client_id"]) is { } client && live.TryGetValue(client, out var database))
            {
                map[host] = database;
            }
        }

        pending.ExceptWith(map.Keys);
        return (map.ToFrozenDictionary(StringComparer.Ordinal), pending.ToFrozenSet(StringComparer.Ordinal));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Custom domains could not be read from the portal database; none is routed until the next try")]
    private static partial void LogLoadFailed(ILogger logger, Exception exception);

    private sealed record Snapshot(FrozenDictionary<string, string> Databases, FrozenSet<string> Pending, long ExpiresAt);
}
