using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;

namespace SaasPortal.Storage.Backups;

/// <summary>
/// An opened, fully verified backup archive: its manifest was read and every entry was streamed through SHA-256 and
/// compared with it before anything is created. Refuses (with <see cref="InvalidDataException"/>) a truncated or
/// corrupted archive, a missing or unlisted entry, a path outside its folders, or one that unpacks past the budget.
/// </summary>
internal sealed class BackupArchive
{
    private const long MaxManifestBytes = 64L * 1024 * 1024;

    private BackupArchive(ZipArchive zip, BackupManifest manifest)
    {
        Zip = zip;
        Manifest = manifest;
    }

    public ZipArchive Zip { get; }

    public BackupManifest Manifest { get; }

    /// <summary>Whether <paramref name="manifestJson"/> announces this format (any version); false for older dumps.</summary>
    public static bool IsBackup(JsonDocument manifestJson) =>
        manifestJson.RootElement.ValueKind == JsonValueKind.Object
        && manifestJson.RootElement.TryGetProperty("format", out var format)
        && format.ValueKind == JsonValueKind.String
        && format.GetString() == BackupManifest.FormatName;

    /// <summary>Reads and checks the whole archive. <paramref name="budget"/> caps the total unpacked bytes.</summary>
    public static async Task<BackupArchive> VerifyAsync(ZipArchive zip, long budget, CancellationToken cancellationToken)
    {
        var manifest = await ReadManifestAsync(zip, cancellationToken);
        var listed = new Dictionary<string, BackupEntry>(StringComparer.Ordinal);
        foreach (var entry in manifest.Entries ?? [])
        {
            CheckPath(entry.Path);
            if (!listed.TryAdd(entry.Path, entry))
            {
                throw new InvalidDataException($"The backup's manifest lists '{entry.Path}' twice.");
            }
        }

        foreach (var table in manifest.Tables ?? [])
        {
            if (!PortableSchema.IsSafeIdentifier(table.Name) || table.Columns is null || table.Columns.Count == 0
                || table.Columns.Any(c => !PortableSchema.IsSafeIdentifier(c.Name)))
            {
                throw new InvalidDataException($"The backup's manifest describes table '{table.Name}' with names that are not plain identifiers.");
            }

            if (!listed.ContainsKey(table.Entry))
            {
                throw new InvalidDataException($"The backup's manifest has no checksum for the rows of table {table.Name} ({table.Entry}).");
            }
        }

        foreach (var entry in zip.Entries)
        {
            if (entry.FullName == BackupWriter.ManifestEntry || entry.FullName.EndsWith('/'))
            {
                continue;
            }

            CheckPath(entry.FullName);
            if (!listed.ContainsKey(entry.FullName))
            {
                throw new InvalidDataException($"The backup holds '{entry.FullName}', which its manifest does not list: refused as tampered with.");
            }
        }

        var buffer = new byte[81920];
        foreach (var expected in listed.Values)
        {
            var entry = zip.GetEntry(expected.Path)
                ?? throw new InvalidDataException($"The backup lacks '{expected.Path}', which its manifest lists: the archive is incomplete.");
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long length = 0;
            try
            {
                await using var stream = await entry.OpenAsync(cancellationToken);
                int read;
                while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    length += read;
                    budget -= read;
                    if (budget < 0)
                    {
                        throw new InvalidDataException("The backup unpacks to more than the allowed size.");
                    }

                    hash.AppendData(buffer, 0, read);
                }
            }
            catch (InvalidDataException e) when (!e.Message.StartsWith("The backup", StringComparison.Ordinal))
            {
                throw new InvalidDataException($"The backup is damaged: '{expected.Path}' cannot be unpacked ({e.Message}).", e);
            }

            var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (length != expected.Bytes || !string.Equals(actual, expected.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException(
                    $"The backup is damaged: '{expected.Path}' does not match its checksum ({length} bytes, SHA-256 {actual}; the manifest says {expected.Bytes} bytes, {expected.Sha256}).");
            }
        }

        return new BackupArchive(zip, manifest);
    }

    /// <summary>Entries below filestore/, with their path relative to the file store.</summary>
    public IEnumerable<(ZipArchiveEntry Entry, string Relative)> FilestoreEntries() =>
        Manifest.Entries
            .Where(e => e.Path.StartsWith(BackupWriter.FilestoreFolder, StringComparison.Ordinal))
            .Select(e => (Zip.GetEntry(e.Path)!, e.Path[BackupWriter.FilestoreFolder.Length..]));

    private static async Task<BackupManifest> ReadManifestAsync(ZipArchive zip, CancellationToken cancellationToken)
    {
        var entry = zip.GetEntry(BackupWriter.ManifestEntry) ?? throw new InvalidDataException("The backup lacks manifest.json.");
        if (entry.Length > MaxManifestBytes)
        {
            throw new InvalidDataException("The backup's manifest.json is too large.");
        }

        BackupManifest? manifest;
        try
        {
            await using var stream = await entry.OpenAsync(cancellationToken);
            manifest = await JsonSerializer.DeserializeAsync<BackupManifest>(stream, BackupManifest.Json, cancellationToken);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            throw new InvalidDataException("The backup's manifest.json is damaged: " + e.Message, e);
        }

        if (manifest is null || manifest.Format != BackupManifest.FormatName)
        {
            throw new InvalidDataException($"The archive is not a {BackupManifest.FormatName} archive.");
        }

        if (manifest.FormatVersion is < 2 or > BackupManifest.CurrentVersion)
        {
            throw new InvalidDataException(
                $"The backup has format version {manifest.FormatVersion}; this server reads versions 2 to {BackupManifest.CurrentVersion}.");
        }

        return manifest;
    }

    /// <summary>Only data/&lt;table&gt;.jsonl and filestore/… paths, never absolute or climbing out.</summary>
    private static void CheckPath(string path)
    {
        var segments = path.Split('/');
        var inFolder = path.StartsWith(BackupWriter.DataFolder, StringComparison.Ordinal) || path.StartsWith(BackupWriter.FilestoreFolder, StringComparison.Ordinal);
        if (!inFolder || path.Contains('\\', StringComparison.Ordinal) || path.Contains(':', StringComparison.Ordinal)
            || segments.Any(s => s is "" or "." or ".."))
        {
            throw new InvalidDataException($"The backup holds a file outside the file store: '{path}'.");
        }
    }
}
