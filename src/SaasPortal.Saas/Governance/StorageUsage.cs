using System.Collections.Concurrent;
using SaasPortal.Storage.Databases;

namespace SaasPortal.Saas.Governance;

/// <summary>
/// Database plus file storage of a tenant, in bytes. Measuring takes a file-system walk, so a figure is reused for
/// a few seconds, except near a limit, where the governance asks for a fresh one (TenantGovernance).
/// </summary>
public sealed class StorageUsage(DatabaseManager databases, TimeProvider time)
{
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(2);
    private readonly ConcurrentDictionary<string, (long Database, long Files, DateTimeOffset At)> _measured = new(StringComparer.Ordinal);

    /// <summary>Bytes used by the database and by its file store; <paramref name="fresh"/> measures again whatever the last figure's age.</summary>
    public async Task<(long DatabaseBytes, long FileBytes)> MeasureAsync(string database, CancellationToken cancellationToken, bool fresh = false)
    {
        var now = time.GetUtcNow();
        if (!fresh && _measured.TryGetValue(database, out var known) && now - known.At < Freshness)
        {
            return (known.Database, known.Files);
        }

        var databaseBytes = await databases.Server.SizeInBytesAsync(database, cancellationToken);
        var fileBytes = DirectorySize(databases.FilestoreOf(database));
        _measured[database] = (databaseBytes, fileBytes, now);
        return (databaseBytes, fileBytes);
    }

    /// <summary>Forgets the last figure of a database, after it was dropped or written heavily by the portal.</summary>
    public void Forget(string database) => _measured.TryRemove(database, out _);

    /// <summary>Whole megabytes, rounded down, as limits and reports count them.</summary>
    public static int ToMegabytes(long bytes) => (int)(bytes / (1024 * 1024));

    private static long DirectorySize(string path)
    {
        if (!Directory.Exists(path))
        {
            return 0;
        }

        long total = 0;
        foreach (var file in new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            total += file.Length;
        }

        return total;
    }
}
