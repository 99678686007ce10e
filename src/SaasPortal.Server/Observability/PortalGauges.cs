using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SaasPortal.Orm;
using SaasPortal.Orm.Service;
using SaasPortal.Server.Hosting;
using SaasPortal.Storage.Databases;

namespace SaasPortal.Server.Observability;

/// <summary>
/// Tenants by state and storage, measured in the background every <see cref="Interval"/>: gauges are read on every
/// scrape, and a scrape must not walk file stores or query the portal.
/// </summary>
internal sealed partial class PortalGauges(DatabaseManager databases, Func<OrmService> orm, ServeSettings settings, ILogger<PortalGauges> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private volatile Snapshot _snapshot = new(new Dictionary<string, long>(), 0, 0, null);

    public IEnumerable<Measurement<long>> Tenants() =>
        _snapshot.Tenants.Select(t => new Measurement<long>(t.Value, new KeyValuePair<string, object?>("state", t.Key)));

    public IEnumerable<Measurement<long>> StorageUsed()
    {
        var snapshot = _snapshot;
        return [new(snapshot.DatabaseBytes, new KeyValuePair<string, object?>("kind", "database")), new(snapshot.FileBytes, new KeyValuePair<string, object?>("kind", "filestore"))];
    }

    public IEnumerable<Measurement<long>> StorageFree() => _snapshot.FreeBytes is { } free ? [new(free)] : [];

    /// <summary>Measures now; the first pass runs at start so the gauges are never empty for long.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var tenants = new Dictionary<string, long>(StringComparer.Ordinal);
        if (await databases.ExistsAsync(settings.PortalDatabase, cancellationToken))
        {
            var groups = await orm().RunAsync(settings.PortalDatabase, OrmEnvironment.SuperuserId, write: false,
                env => env.CallAsync("saas_portal.client", "read_group", [new List<object?>(), new List<object?> { "state" }, new List<object?> { "state" }],
                    null, cancellationToken), cancellationToken);
            foreach (var group in groups as IEnumerable<object?> ?? [])
            {
                if (group is IReadOnlyDictionary<string, object?> row && row.GetValueOrDefault("state") is string state)
                {
                    tenants[state] = Convert.ToInt64(row.GetValueOrDefault("state_count") ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }

        long databaseBytes = 0, fileBytes = 0;
        foreach (var name in await databases.ListAsync(cancellationToken))
        {
            databaseBytes += await databases.Server.SizeInBytesAsync(name, cancellationToken);
            fileBytes += DirectorySize(databases.FilestoreOf(name));
        }

        _snapshot = new Snapshot(tenants, databaseBytes, fileBytes, DiskSpace.FreeBytes(settings.DataDirectory));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRefreshFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private static long DirectorySize(string path) => Directory.Exists(path)
        ? new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length)
        : 0;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Measuring tenants and storage for the metrics failed; the next pass tries again")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);

    private sealed record Snapshot(IReadOnlyDictionary<string, long> Tenants, long DatabaseBytes, long FileBytes, long? FreeBytes);
}

/// <summary>Free space of the file system holding a folder.</summary>
internal static class DiskSpace
{
    public static long? FreeBytes(string directory)
    {
        try
        {
            return new DriveInfo(Path.GetFullPath(directory)).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
