using System.Text.Json;
using System.Text.Json.Serialization;

namespace SaasPortal.Storage.Backups;

/// <summary>
/// manifest.json of a tenant backup: what the archive holds and how to check it. Every other entry of the archive is
/// listed in <see cref="Entries"/> with its size and SHA-256, and a restore refuses an archive where any of them
/// differs, is missing, or where an entry is not listed. See docs/backups.md.
/// </summary>
public sealed record BackupManifest
{
    /// <summary>The value of <see cref="Format"/> for this format.</summary>
    public const string FormatName = "saasportal-backup";

    /// <summary>The version written by this code; restores read versions up to it.</summary>
    public const int CurrentVersion = 2;

    /// <summary>Always <see cref="FormatName"/>.</summary>
    public required string Format { get; init; }

    /// <summary>Format version (2: portable rows as JSON lines).</summary>
    public required int FormatVersion { get; init; }

    /// <summary>Name of the database that was backed up.</summary>
    public required string Database { get; init; }

    /// <summary>Backend the rows came from: <c>sqlite</c> or <c>postgres</c>. Restores go to either.</summary>
    public required string SourceBackend { get; init; }

    /// <summary>UTC time of the snapshot, <c>yyyy-MM-dd HH:mm:ss</c>.</summary>
    public required string CreatedUtc { get; init; }

    /// <summary>Installed modules with their versions; a restore installs them to build the schema.</summary>
    public required IReadOnlyList<BackupModule> Modules { get; init; }

    /// <summary>Every table with its columns, row count and data entry.</summary>
    public required IReadOnlyList<BackupTable> Tables { get; init; }

    /// <summary>Every entry of the archive except manifest.json, with size and checksum.</summary>
    public required IReadOnlyList<BackupEntry> Entries { get; init; }

    internal static JsonSerializerOptions Json { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}

/// <summary>An installed module.</summary>
public sealed record BackupModule(string Name, string? Version);

/// <summary>One table: its columns (portable types), how many rows it held and the entry holding them.</summary>
public sealed record BackupTable(string Name, IReadOnlyList<BackupColumn> Columns, long Rows, string Entry);

/// <summary>A column and its portable type: text, integer, double, boolean, date, datetime or binary.</summary>
public sealed record BackupColumn(string Name, string Type);

/// <summary>An archive entry: path, uncompressed size and lowercase hex SHA-256 of its content.</summary>
public sealed record BackupEntry(string Path, long Bytes, string Sha256);
