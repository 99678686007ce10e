using System.Data.Common;
using System.Text.RegularExpressions;
using SaasPortal.Storage.Dialects;

namespace SaasPortal.Storage.Backups;

/// <summary>
/// Tables and columns of a database in portable terms (the ORM's <see cref="SqlColumnType"/> names), read from the
/// backend's catalogue. Names are checked against <see cref="IsSafeIdentifier"/> before they reach any statement.
/// </summary>
internal static partial class PortableSchema
{
    public const string Text = "text";
    public const string Integer = "integer";
    public const string Double = "double";
    public const string Boolean = "boolean";
    public const string Date = "date";
    public const string DateTime = "datetime";
    public const string Binary = "binary";

    /// <summary>Lowercase SQL identifiers as the ORM makes them; anything else is refused rather than quoted.</summary>
    public static bool IsSafeIdentifier(string name) => name.Length <= 63 && Identifier().IsMatch(name);

    /// <summary>Tables (sorted) with their columns in declaration order.</summary>
    public static async Task<SortedDictionary<string, List<BackupColumn>>> ReadAsync(
        DbConnection connection, DbTransaction transaction, SqlDialect dialect, CancellationToken cancellationToken)
    {
        var tables = new SortedDictionary<string, List<BackupColumn>>(StringComparer.Ordinal);
        var postgres = dialect.Backend == DatabaseBackend.Postgres;
        // Both catalogues are queried with constants only; table names come back as data.
        var sql = postgres
            ? """
              SELECT c.table_name, c.column_name, c.data_type
              FROM information_schema.columns c
              JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
              WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
              ORDER BY c.table_name, c.ordinal_position
              """
            : """
              SELECT m.name, p.name, p.type
              FROM sqlite_master m, pragma_table_info(m.name) p
              WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
              ORDER BY m.name, p.cid
              """;
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var table = reader.GetString(0);
            var column = reader.GetString(1);
            if (!IsSafeIdentifier(table) || !IsSafeIdentifier(column))
            {
                throw new InvalidDataException($"Table or column '{table}.{column}' is not a plain identifier; it cannot be backed up portably.");
            }

            if (!tables.TryGetValue(table, out var columns))
            {
                tables[table] = columns = [];
            }

            columns.Add(new BackupColumn(column, postgres ? FromPostgres(reader.GetString(2)) : FromSqlite(reader.IsDBNull(2) ? "" : reader.GetString(2))));
        }

        return tables;
    }

    /// <summary>The dialect's column type for a portable type.</summary>
    public static string ColumnType(SqlDialect dialect, string type) => dialect.ColumnType(type switch
    {
        Integer => SqlColumnType.Integer,
        Double => SqlColumnType.Double,
        Boolean => SqlColumnType.Boolean,
        Date => SqlColumnType.Date,
        DateTime => SqlColumnType.DateTime,
        Binary => SqlColumnType.Binary,
        _ => SqlColumnType.Text,
    });

    private static string FromPostgres(string dataType) => dataType switch
    {
        "integer" or "bigint" or "smallint" => Integer,
        "double precision" or "real" or "numeric" => Double,
        "boolean" => Boolean,
        "date" => Date,
        "timestamp without time zone" or "timestamp with time zone" => DateTime,
        "bytea" => Binary,
        _ => Text,
    };

    // SQLite keeps booleans, dates and timestamps as INTEGER and TEXT; the loader converts by the target's types.
    private static string FromSqlite(string declared) => declared.ToUpperInvariant() switch
    {
        var t when t.Contains("INT", StringComparison.Ordinal) => Integer,
        var t when t.Contains("REAL", StringComparison.Ordinal) || t.Contains("FLOA", StringComparison.Ordinal) || t.Contains("DOUB", StringComparison.Ordinal) => Double,
        var t when t.Contains("BLOB", StringComparison.Ordinal) => Binary,
        _ => Text,
    };

    [GeneratedRegex("^[a-z_][a-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();
}
