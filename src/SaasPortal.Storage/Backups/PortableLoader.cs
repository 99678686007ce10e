using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using SaasPortal.Storage.Databases;
using SaasPortal.Storage.Dialects;

namespace SaasPortal.Storage.Backups;

/// <summary>
/// Loads the rows of a verified backup into a database whose schema was just built from the backup's module list:
/// in one transaction it empties every table, adds the tables and columns the modules do not create (fields and
/// models made at run time), inserts every row converted to the target's column types, checks each table's row count
/// against the manifest, moves id sequences past the largest id and checks foreign keys. Foreign keys are off while
/// rows arrive in table order (SQLite: the connection's enforcement; PostgreSQL: the constraints are dropped and
/// re-created, which validates them again).
/// </summary>
internal static class PortableLoader
{
    public static async Task LoadAsync(IDatabaseServer server, string name, BackupArchive archive, CancellationToken cancellationToken)
    {
        var dialect = server.Dialect;
        var postgres = dialect.Backend == DatabaseBackend.Postgres;
        await using var connection = await server.OpenAsync(name, cancellationToken);
        if (!postgres)
        {
            await ExecuteAsync(connection, null, "PRAGMA foreign_keys = OFF", cancellationToken);
        }

        try
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var target = await PortableSchema.ReadAsync(connection, transaction, dialect, cancellationToken);
            var foreignKeys = postgres ? await DropForeignKeysAsync(connection, transaction, cancellationToken) : [];
            foreach (var table in target.Keys)
            {
                await ExecuteAsync(connection, transaction, $"DELETE FROM {dialect.Quote(table)}", cancellationToken);
            }

            foreach (var table in archive.Manifest.Tables)
            {
                var columns = await EnsureTableAsync(connection, transaction, dialect, target, table, cancellationToken);
                await InsertRowsAsync(connection, transaction, dialect, archive, table, columns, cancellationToken);
                await CheckCountAsync(connection, transaction, dialect, table, cancellationToken);
                if (table.Columns.Any(c => c.Name == "id"))
                {
                    await MoveSequenceAsync(connection, transaction, dialect, table.Name, cancellationToken);
                }
            }

            foreach (var statement in foreignKeys)
            {
                await ExecuteAsync(connection, transaction, statement, cancellationToken);
            }

            if (!postgres)
            {
                await CheckSqliteForeignKeysAsync(connection, transaction, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            if (!postgres)
            {
                await ExecuteAsync(connection, null, "PRAGMA foreign_keys = ON", CancellationToken.None);
            }
        }
    }

    /// <summary>Creates the table or its missing columns from the backup's portable types; returns the target's column types.</summary>
    private static async Task<Dictionary<string, string>> EnsureTableAsync(DbConnection connection, DbTransaction transaction, SqlDialect dialect,
        SortedDictionary<string, List<BackupColumn>> target, BackupTable table, CancellationToken cancellationToken)
    {
        var quoted = dialect.Quote(table.Name);
        if (!target.TryGetValue(table.Name, out var existing))
        {
            var definitions = table.Columns.Select(c => c.Name == "id" && c.Type == PortableSchema.Integer
                ? dialect.PrimaryKeyColumn
                : $"{dialect.Quote(c.Name)} {PortableSchema.ColumnType(dialect, c.Type)}");
            await ExecuteAsync(connection, transaction, $"CREATE TABLE {quoted} ({string.Join(", ", definitions)})", cancellationToken);
            existing = [.. table.Columns];
            target[table.Name] = existing;
        }
        else
        {
            foreach (var column in table.Columns.Where(c => !existing.Exists(e => e.Name == c.Name)))
            {
                await ExecuteAsync(connection, transaction,
                    $"ALTER TABLE {quoted} ADD COLUMN {dialect.Quote(column.Name)} {PortableSchema.ColumnType(dialect, column.Type)}", cancellationToken);
                existing.Add(column);
            }
        }

        return existing.ToDictionary(c => c.Name, c => c.Type, StringComparer.Ordinal);
    }

    private static async Task InsertRowsAsync(DbConnection connection, DbTransaction transaction, SqlDialect dialect, BackupArchive archive,
        BackupTable table, Dictionary<string, string> targetTypes, CancellationToken cancellationToken)
    {
        var columns = table.Columns;
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO {dialect.Quote(table.Name)} ({string.Join(", ", columns.Select(c => dialect.Quote(c.Name)))}) " +
            $"VALUES ({string.Join(", ", columns.Select((_, i) => dialect.Parameter(i)))})";
        var entry = archive.Zip.GetEntry(table.Entry)!;
        await using var stream = await entry.OpenAsync(cancellationToken);
        using var lines = new StreamReader(stream, Encoding.UTF8);
        var lineNumber = 0;
        while (await lines.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            using var row = JsonDocument.Parse(line);
            if (row.RootElement.ValueKind != JsonValueKind.Array || row.RootElement.GetArrayLength() != columns.Count)
            {
                throw new InvalidDataException($"Row {lineNumber} of {table.Entry} does not have the {columns.Count} values of table {table.Name}.");
            }

            command.Parameters.Clear();
            var i = 0;
            foreach (var value in row.RootElement.EnumerateArray())
            {
                dialect.AddParameter(command, i, PortableValues.ToTarget(value, columns[i].Type, targetTypes[columns[i].Name], dialect.Backend));
                i++;
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task CheckCountAsync(DbConnection connection, DbTransaction transaction, SqlDialect dialect, BackupTable table, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT COUNT(*) FROM {dialect.Quote(table.Name)}";
        var count = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        if (count != table.Rows)
        {
            throw new InvalidDataException($"Table {table.Name} holds {count} rows after the restore; the backup's manifest says {table.Rows}.");
        }
    }

    /// <summary>
    /// PostgreSQL: the table's id sequence continues after its largest restored id. (SQLite's AUTOINCREMENT already
    /// moves past every id inserted, explicit ones included.)
    /// </summary>
    private static Task MoveSequenceAsync(DbConnection connection, DbTransaction transaction, SqlDialect dialect, string table, CancellationToken cancellationToken)
    {
        if (dialect.Backend != DatabaseBackend.Postgres)
        {
            return Task.CompletedTask;
        }

        // Table names were checked as plain identifiers; the quoted form is also what pg_get_serial_sequence expects.
        var quoted = dialect.Quote(table);
        return ExecuteAsync(connection, transaction,
            $"SELECT setval(s, COALESCE((SELECT MAX(\"id\") FROM {quoted}), 0) + 1, false) FROM pg_get_serial_sequence('{quoted}', 'id') s WHERE s IS NOT NULL",
            cancellationToken);
    }

    /// <summary>Drops every foreign key of the schema and returns the statements that re-create them.</summary>
    private static async Task<List<string>> DropForeignKeysAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var constraints = new List<(string Table, string Name, string Definition)>();
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            // Names and definitions come from PostgreSQL's own catalogue, quoted by PostgreSQL.
            command.CommandText = """
                SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid)
                FROM pg_constraint
                WHERE contype = 'f' AND connamespace = current_schema()::regnamespace
                ORDER BY 1, 2
                """;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                constraints.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        foreach (var (table, name, _) in constraints)
        {
            await ExecuteAsync(connection, transaction, $"ALTER TABLE {table} DROP CONSTRAINT {name}", cancellationToken);
        }

        return constraints.Select(c => $"ALTER TABLE {c.Table} ADD CONSTRAINT {c.Name} {c.Definition}").ToList();
    }

    private static async Task CheckSqliteForeignKeysAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA foreign_key_check";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidDataException(
                $"The backup's rows break a foreign key: table {reader.GetString(0)} row {reader.GetValue(1)} refers to a missing row of {reader.GetString(2)}.");
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
