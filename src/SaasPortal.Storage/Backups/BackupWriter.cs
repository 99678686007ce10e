using System.Buffers;
using System.Data;
using System.Data.Common;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SaasPortal.Storage.Databases;

namespace SaasPortal.Storage.Backups;

/// <summary>
/// Writes a tenant backup (format <see cref="BackupManifest.FormatName"/> version 2): every table's rows as JSON
/// lines read in one snapshot transaction, the file store, and manifest.json with the module list, row counts and a
/// SHA-256 of every entry. The rows are backend-neutral, so the archive restores on SQLite and PostgreSQL alike.
/// </summary>
internal static class BackupWriter
{
    public const string ManifestEntry = "manifest.json";
    public const string DataFolder = "data/";
    public const string FilestoreFolder = "filestore/";

    private static readonly byte[] NewLine = "\n"u8.ToArray();

    public static async Task WriteAsync(IDatabaseServer server, string name, string filestore, Stream destination, CancellationToken cancellationToken)
    {
        var entries = new List<BackupEntry>();
        var tables = new List<BackupTable>();
        var modules = new List<BackupModule>();
        await using var zip = new ZipArchive(destination, ZipArchiveMode.Create, leaveOpen: true);
        await using (var connection = await server.OpenAsync(name, cancellationToken))
        {
            // One read transaction for every table: SQLite's WAL and PostgreSQL's REPEATABLE READ both give a
            // consistent snapshot while the tenant keeps working.
            // SQLite's transaction is deferred, so the snapshot takes no write lock.
            await using var transaction = connection is SqliteConnection sqlite
                ? sqlite.BeginTransaction(deferred: true)
                : await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            var schema = await PortableSchema.ReadAsync(connection, transaction, server.Dialect, cancellationToken);
            if (schema.ContainsKey("ir_module_module"))
            {
                modules.AddRange(await ReadModulesAsync(connection, transaction, cancellationToken));
            }

            foreach (var (table, columns) in schema)
            {
                var path = DataFolder + table + ".jsonl";
                var entry = zip.CreateEntry(path, CompressionLevel.Fastest);
                long rows;
                await using (var raw = await entry.OpenAsync(cancellationToken))
                await using (var hashing = new HashingStream(raw))
                {
                    rows = await WriteRowsAsync(connection, transaction, server.Dialect.Quote(table), columns, hashing, cancellationToken);
                    entries.Add(new BackupEntry(path, hashing.Written, hashing.Sha256()));
                }

                tables.Add(new BackupTable(table, columns, rows, path));
            }

            await transaction.CommitAsync(cancellationToken);
        }

        // The file store is content-addressed and only grows: files written after the snapshot are at worst unused.
        if (Directory.Exists(filestore))
        {
            foreach (var file in Directory.EnumerateFiles(filestore, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var path = FilestoreFolder + Path.GetRelativePath(filestore, file).Replace(Path.DirectorySeparatorChar, '/');
                var entry = zip.CreateEntry(path, CompressionLevel.Fastest);
                await using var raw = await entry.OpenAsync(cancellationToken);
                await using var hashing = new HashingStream(raw);
                await using (var source = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true))
                {
                    await source.CopyToAsync(hashing, cancellationToken);
                }

                entries.Add(new BackupEntry(path, hashing.Written, hashing.Sha256()));
            }
        }

        var manifest = new BackupManifest
        {
            Format = BackupManifest.FormatName,
            FormatVersion = BackupManifest.CurrentVersion,
            Database = name,
            SourceBackend = server.Dialect.Backend.ToString().ToLowerInvariant(),
            CreatedUtc = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            Modules = modules,
            Tables = tables,
            Entries = entries,
        };
        await using var manifestStream = await zip.CreateEntry(ManifestEntry, CompressionLevel.Fastest).OpenAsync(cancellationToken);
        await JsonSerializer.SerializeAsync(manifestStream, manifest, BackupManifest.Json, cancellationToken);
    }

    private static async Task<List<BackupModule>> ReadModulesAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        // The same states the module system loads a registry from.
        command.CommandText =
            "SELECT \"name\", \"latest_version\" FROM \"ir_module_module\" WHERE \"state\" IN ('installed', 'to upgrade', 'to remove') ORDER BY \"name\"";
        var modules = new List<BackupModule>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            modules.Add(new BackupModule(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }

        return modules;
    }

    private static async Task<long> WriteRowsAsync(DbConnection connection, DbTransaction transaction, string quotedTable, List<BackupColumn> columns,
        Stream output, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var hasId = columns.Exists(c => c.Name == "id");
        // Identifiers were checked by PortableSchema and are quoted by the dialect; the order makes archives reproducible.
        command.CommandText = $"SELECT {string.Join(", ", columns.Select(c => Quote(c.Name)))} FROM {quotedTable}{(hasId ? " ORDER BY \"id\"" : "")}";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var buffer = new ArrayBufferWriter<byte>(4096);
        long rows = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            buffer.ResetWrittenCount();
            await using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartArray();
                for (var i = 0; i < columns.Count; i++)
                {
                    WriteValue(json, reader.GetValue(i), columns[i].Type);
                }

                json.WriteEndArray();
            }

            await output.WriteAsync(buffer.WrittenMemory, cancellationToken);
            await output.WriteAsync(NewLine, cancellationToken);
            rows++;
        }

        return rows;
    }

    private static string Quote(string identifier) => "\"" + identifier + "\"";

    /// <summary>One value in its portable JSON form (docs/backups.md lists them).</summary>
    private static void WriteValue(Utf8JsonWriter json, object value, string type)
    {
        switch (value)
        {
            case DBNull:
                json.WriteNullValue();
                break;
            case bool b:
                json.WriteBooleanValue(b);
                break;
            case long or int or short or byte:
                json.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case double d when double.IsFinite(d):
                json.WriteNumberValue(d);
                break;
            case float f when float.IsFinite(f):
                json.WriteNumberValue(f);
                break;
            case decimal m:
                json.WriteNumberValue(m);
                break;
            case byte[] bytes:
                json.WriteBase64StringValue(bytes);
                break;
            case DateTime t when type == PortableSchema.Date:
                json.WriteStringValue(t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                break;
            case DateTime t:
                json.WriteStringValue(t.ToString(t.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture));
                break;
            case DateOnly d:
                json.WriteStringValue(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                break;
            case string s:
                json.WriteStringValue(s);
                break;
            default:
                json.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }
}
