using System.IO.Compression;
using System.Text.Json;
using SaasPortal.Storage.Backups;

namespace SaasPortal.Storage.Databases;

/// <summary>
/// Whole-database operations as the <c>db</c> service offers them: a database together with its file store
/// (<c>&lt;data-dir&gt;/filestore/&lt;name&gt;/</c>), which travels with every copy, rename, drop, dump and restore.
/// </summary>
public sealed class DatabaseManager
{
    /// <summary>The value of <c>format</c> in a dump's manifest.json.</summary>
    public const string DumpFormat = "saasportal-dump";

    private const string ManifestEntry = "manifest.json";
    private const string FilestoreEntry = "filestore/";

    private static readonly JsonSerializerOptions ManifestJson = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly IDatabaseInitializer _initializer;
    private readonly string _filestoreRoot;
    private readonly string _tempRoot;

    /// <summary>Creates a manager over <paramref name="server"/> and the data directory of <paramref name="options"/>.</summary>
    public DatabaseManager(IDatabaseServer server, StorageOptions options, IDatabaseInitializer initializer)
    {
        Server = server;
        _initializer = initializer;
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        _filestoreRoot = Path.Combine(dataDirectory, "filestore");
        _tempRoot = Path.Combine(dataDirectory, "tmp");
    }

    /// <summary>The server that holds the databases.</summary>
    public IDatabaseServer Server { get; }

    /// <summary>Largest total size a restore may unpack, guarding against archives that expand without bound.</summary>
    public long MaxRestoreBytes { get; init; } = 16L * 1024 * 1024 * 1024;

    /// <summary>The file store folder of a database.</summary>
    public string FilestoreOf(string name) => Path.Combine(_filestoreRoot, DatabaseName.Validate(name));

    /// <summary>Names of every database, sorted.</summary>
    public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken) => Server.ListAsync(cancellationToken);

    /// <summary>Whether the database exists. Invalid names do not exist.</summary>
    public async Task<bool> ExistsAsync(string name, CancellationToken cancellationToken) =>
        DatabaseName.IsValid(name) && await Server.ExistsAsync(name, cancellationToken);

    /// <summary>Creates and initialises a database; on any failure nothing of it is left behind.</summary>
    public async Task CreateAsync(DatabaseInitialization request, CancellationToken cancellationToken)
    {
        DatabaseName.Validate(request.Name);
        await Server.CreateEmptyAsync(request.Name, cancellationToken);
        try
        {
            await _initializer.InitializeAsync(request, cancellationToken);
        }
        catch
        {
            await DiscardAsync(request.Name);
            throw;
        }
    }

    /// <summary>Copies a database and its file store; the copy gets its own identity.</summary>
    public Task DuplicateAsync(string source, string target, CancellationToken cancellationToken) =>
        DuplicateAsync(source, target, resetIdentity: true, cancellationToken);

    /// <summary>
    /// Copies a database and its file store. Without <paramref name="resetIdentity"/> the copy keeps the source's
    /// identity parameters: for callers that write their own in their next transaction (the SaaS provisioner), which
    /// saves opening the copy one more time.
    /// </summary>
    public async Task DuplicateAsync(string source, string target, bool resetIdentity, CancellationToken cancellationToken)
    {
        DatabaseName.Validate(source);
        DatabaseName.Validate(target);
        if (!await Server.ExistsAsync(source, cancellationToken))
        {
            throw new DatabaseNotFoundException(source);
        }

        await Server.CopyAsync(source, target, cancellationToken);
        try
        {
            // The file store is content-addressed and only grows, so copying it after the database guarantees that
            // every file the copied database refers to is there (at worst a few unreferenced files come along).
            CopyDirectory(FilestoreOf(source), FilestoreOf(target));
            if (resetIdentity)
            {
                await _initializer.ResetIdentityAsync(target, cancellationToken);
            }
        }
        catch
        {
            await DiscardAsync(target);
            throw;
        }
    }

    /// <summary>Renames a database and moves its file store.</summary>
    public async Task RenameAsync(string source, string target, CancellationToken cancellationToken)
    {
        DatabaseName.Validate(source);
        DatabaseName.Validate(target);
        await Server.RenameAsync(source, target, cancellationToken);
        var from = FilestoreOf(source);
        if (Directory.Exists(from))
        {
            var to = FilestoreOf(target);
            // A leftover folder of a dropped namesake must not block or mix into the move.
            DeleteDirectory(to);
            Directory.CreateDirectory(_filestoreRoot);
            Directory.Move(from, to);
        }
    }

    /// <summary>Drops a database and its file store; false when the database did not exist.</summary>
    public async Task<bool> DropAsync(string name, CancellationToken cancellationToken)
    {
        if (!DatabaseName.IsValid(name))
        {
            return false;
        }

        var dropped = await Server.DropAsync(name, cancellationToken);
        DeleteDirectory(FilestoreOf(name));
        return dropped;
    }

    /// <summary>
    /// Writes the database's backup archive (docs/backups.md): its rows as portable JSON lines, its file store and a
    /// manifest with the module list, row counts and a SHA-256 of every entry. It restores on either backend.
    /// </summary>
    public async Task DumpAsync(string name, Stream destination, CancellationToken cancellationToken)
    {
        DatabaseName.Validate(name);
        if (!await Server.ExistsAsync(name, cancellationToken))
        {
            throw new DatabaseNotFoundException(name);
        }

        await BackupWriter.WriteAsync(Server, name, FilestoreOf(name), destination, cancellationToken);
    }

    /// <summary>
    /// Creates database <paramref name="name"/> from an archive written by <see cref="DumpAsync"/> (on either backend),
    /// or from an older backend-native dump of this backend. The whole archive is verified against its manifest's
    /// checksums before anything is created; the schema comes from installing the archive's modules, then the rows
    /// replace the fresh ones. With <paramref name="copy"/> the restored database gets a new identity, as Odoo's
    /// restore(copy=True) does. Any failure leaves nothing behind.
    /// </summary>
    public async Task RestoreAsync(string name, Stream archive, bool copy, CancellationToken cancellationToken)
    {
        DatabaseName.Validate(name);
        if (await Server.ExistsAsync(name, cancellationToken))
        {
            throw new DatabaseExistsException(name);
        }

        ZipArchive zip;
        try
        {
            zip = await ZipArchive.CreateAsync(archive, ZipArchiveMode.Read, leaveOpen: true, entryNameEncoding: null, cancellationToken);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException("The archive is not a readable zip (damaged or truncated): " + e.Message, e);
        }

        await using (zip)
        {
            if (!await IsPortableBackupAsync(zip, cancellationToken))
            {
                await RestoreNativeAsync(name, zip, copy, cancellationToken);
                return;
            }

            var verified = await BackupArchive.VerifyAsync(zip, MaxRestoreBytes, cancellationToken);
            var modules = verified.Manifest.Modules.Select(m => m.Name).Where(m => m != "base").ToList();
            // The password is replaced by the restored users' rows; this one only exists until then.
            await CreateAsync(new DatabaseInitialization { Name = name, Password = Guid.NewGuid().ToString("N"), Modules = modules }, cancellationToken);
            try
            {
                await PortableLoader.LoadAsync(Server, name, verified, cancellationToken);
                var filestore = FilestoreOf(name);
                DeleteDirectory(filestore);
                foreach (var (entry, relative) in verified.FilestoreEntries())
                {
                    await ExtractAsync(entry, SafeChildPath(filestore, relative), long.MaxValue, cancellationToken);
                }

                if (copy)
                {
                    await _initializer.ResetIdentityAsync(name, cancellationToken);
                }
            }
            catch
            {
                await DiscardAsync(name);
                throw;
            }
        }
    }

    private static async Task<bool> IsPortableBackupAsync(ZipArchive zip, CancellationToken cancellationToken)
    {
        var entry = zip.GetEntry(ManifestEntry) ?? throw new InvalidDataException("The archive lacks manifest.json.");
        try
        {
            await using var stream = await entry.OpenAsync(cancellationToken);
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            return BackupArchive.IsBackup(document);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            throw new InvalidDataException("The archive's manifest.json is damaged: " + e.Message, e);
        }
    }

    /// <summary>A dump of the first format (the backend's own backup file), from before portable backups.</summary>
    private async Task RestoreNativeAsync(string name, ZipArchive zip, bool copy, CancellationToken cancellationToken)
    {
        var work = CreateWorkDirectory();
        var created = false;
        try
        {
            await ReadManifestAsync(zip, cancellationToken);
            var budget = MaxRestoreBytes;
            var databaseEntry = zip.GetEntry(Server.BackupFileName)
                ?? throw new InvalidDataException($"The dump lacks {Server.BackupFileName}.");
            var backupFile = Path.Combine(work, Server.BackupFileName);
            budget = await ExtractAsync(databaseEntry, backupFile, budget, cancellationToken);

            await Server.RestoreAsync(name, backupFile, cancellationToken);
            created = true;

            var filestore = FilestoreOf(name);
            DeleteDirectory(filestore);
            foreach (var entry in zip.Entries)
            {
                if (!entry.FullName.StartsWith(FilestoreEntry, StringComparison.Ordinal) || entry.FullName.EndsWith('/'))
                {
                    continue;
                }

                var path = SafeChildPath(filestore, entry.FullName[FilestoreEntry.Length..]);
                budget = await ExtractAsync(entry, path, budget, cancellationToken);
            }

            if (copy)
            {
                await _initializer.ResetIdentityAsync(name, cancellationToken);
            }
        }
        catch
        {
            if (created)
            {
                await DiscardAsync(name);
            }

            throw;
        }
        finally
        {
            DeleteDirectory(work);
        }
    }

    private async Task<DumpManifest> ReadManifestAsync(ZipArchive zip, CancellationToken cancellationToken)
    {
        var entry = zip.GetEntry(ManifestEntry) ?? throw new InvalidDataException("The dump lacks manifest.json.");
        if (entry.Length > 1024 * 1024)
        {
            throw new InvalidDataException("The dump's manifest.json is too large.");
        }

        DumpManifest? manifest;
        try
        {
            await using var stream = await entry.OpenAsync(cancellationToken);
            manifest = await JsonSerializer.DeserializeAsync<DumpManifest>(stream, ManifestJson, cancellationToken);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException("The dump's manifest.json is not valid JSON: " + e.Message, e);
        }

        if (manifest is null || !string.Equals(manifest.Format, DumpFormat, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"The dump's manifest.json does not describe a {DumpFormat} archive.");
        }

        var backend = Server.Dialect.Backend.ToString().ToLowerInvariant();
        if (!string.Equals(manifest.Backend, backend, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"The dump was made on the {manifest.Backend} backend; this server runs {backend}.");
        }

        return manifest;
    }

    private static async Task<long> ExtractAsync(ZipArchiveEntry entry, string path, long budget, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var source = await entry.OpenAsync(cancellationToken);
        await using var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
        var buffer = new byte[81920];
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            budget -= read;
            if (budget < 0)
            {
                throw new InvalidDataException("The dump unpacks to more than the allowed size.");
            }

            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }

        return budget;
    }

    /// <summary>Resolves an archive path below <paramref name="root"/>, refusing anything that would escape it.</summary>
    private static string SafeChildPath(string root, string relative)
    {
        var full = Path.GetFullPath(Path.Combine(root, relative));
        var prefix = Path.GetFullPath(root) + Path.DirectorySeparatorChar;
        if (relative.Length == 0 || Path.IsPathRooted(relative) || !full.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"The dump holds a file outside the file store: '{relative}'.");
        }

        return full;
    }

    private string CreateWorkDirectory()
    {
        var path = Path.Combine(_tempRoot, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>
    /// Removes what interrupted copies and restores left behind: the server's temporary copies and the work folders
    /// of restores under <c>&lt;data dir&gt;/tmp</c>, when at least <paramref name="minimumAge"/> old (another node
    /// sharing the data directory may be writing younger ones). Returns how many were removed.
    /// </summary>
    public int RemoveLeftovers(TimeSpan minimumAge)
    {
        var removed = Server.RemoveLeftovers(minimumAge);
        if (Directory.Exists(_tempRoot))
        {
            var cutoff = DateTime.UtcNow - minimumAge;
            foreach (var folder in Directory.EnumerateDirectories(_tempRoot))
            {
                if (Directory.GetLastWriteTimeUtc(folder) <= cutoff)
                {
                    DeleteDirectory(folder);
                    removed++;
                }
            }
        }

        return removed;
    }

    /// <summary>Removes a half-made database; used on failure paths, so it must not mask the original error.</summary>
    private async Task DiscardAsync(string name)
    {
        try
        {
            await Server.DropAsync(name, CancellationToken.None);
        }
        catch (Exception)
        {
            // The original failure is what the caller must see; a leftover is reported by the next create of the name.
        }

        DeleteDirectory(FilestoreOf(name));
    }

    private static void CopyDirectory(string source, string target)
    {
        if (!Directory.Exists(source))
        {
            return;
        }

        DeleteDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }

    private static void DeleteDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }

    private sealed record DumpManifest
    {
        public string? Format { get; init; }

        public int Version { get; init; }

        public string? DbName { get; init; }

        public string? Backend { get; init; }

        public string? Database { get; init; }

        public string? CreatedUtc { get; init; }
    }
}
