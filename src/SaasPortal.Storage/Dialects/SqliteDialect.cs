using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace SaasPortal.Storage.Dialects;

/// <summary>
/// SQLite: one file per database. Dates and timestamps are stored as ISO text (which sorts and compares like the
/// values), booleans as 0/1. LIKE is made case-sensitive per connection, as in PostgreSQL, and case-insensitive
/// matching goes through a registered lower-casing function because SQLite's own only folds ASCII.
/// </summary>
public sealed class SqliteDialect : SqlDialect
{
    /// <summary>The shared instance; the dialect holds no state.</summary>
    public static SqliteDialect Instance { get; } = new();

    /// <summary>Name of the Unicode lower-casing function registered on every connection.</summary>
    private const string LowerFunction = "saas_lower";

    /// <summary>SQLite handles (physical connections, which the pool reuses) that have case-sensitive LIKE set.</summary>
    private static readonly ConditionalWeakTable<object, object> CaseSensitiveLike = [];

    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteConstraint = 19;

    /// <inheritdoc />
    public override DatabaseBackend Backend => DatabaseBackend.Sqlite;

    /// <inheritdoc />
    public override string Parameter(int index) => "@p" + index.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override void AddParameter(DbCommand command, int index, object? value) =>
        command.Parameters.Add(new SqliteParameter(Parameter(index), ToDriver(value)));

    private static object ToDriver(object? value) => value switch
    {
        null => DBNull.Value,
        bool b => b ? 1L : 0L,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        _ => value,
    };

    /// <inheritdoc />
    public override string InListParameter(string expression, string placeholder) =>
        $"{expression} IN (SELECT value FROM json_each({placeholder}))";

    /// <inheritdoc />
    public override object ListParameter(IReadOnlyList<object> values) =>
        System.Text.Json.JsonSerializer.Serialize(values.Select(ToDriver).ToArray());

    /// <inheritdoc />
    public override string PrimaryKeyColumn => "\"id\" INTEGER PRIMARY KEY AUTOINCREMENT";

    /// <inheritdoc />
    public override string ColumnType(SqlColumnType type) => type switch
    {
        SqlColumnType.Integer => "INTEGER",
        SqlColumnType.Double => "REAL",
        SqlColumnType.Boolean => "INTEGER",
        SqlColumnType.Binary => "BLOB",
        // ISO text: declared TEXT so SQLite's type affinity never turns '2024-01-31' into a number.
        _ => "TEXT",
    };

    /// <inheritdoc />
    public override bool InlineForeignKeys => true;

    /// <inheritdoc />
    public override string Like(string expression, string pattern) => $"({expression} LIKE {pattern} ESCAPE '\\')";

    /// <inheritdoc />
    public override string ILike(string expression, string pattern) =>
        $"({LowerFunction}({expression}) LIKE {LowerFunction}({pattern}) ESCAPE '\\')";

    /// <inheritdoc />
    public override string Lower(string expression) => $"{LowerFunction}({expression})";

    /// <inheritdoc />
    public override string DateTrunc(string unit, string expression) => unit switch
    {
        "day" => $"date({expression})",
        "week" => $"date({expression}, '-' || ((CAST(strftime('%w', {expression}) AS INTEGER) + 6) % 7) || ' days')",
        "month" => $"strftime('%Y-%m-01', {expression})",
        "quarter" => $"printf('%s-%02d-01', strftime('%Y', {expression}), ((CAST(strftime('%m', {expression}) AS INTEGER) - 1) / 3) * 3 + 1)",
        "year" => $"strftime('%Y-01-01', {expression})",
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, "Unknown date unit."),
    };

    /// <inheritdoc />
    public override string CastToText(string expression) => $"CAST({expression} AS TEXT)";

    /// <inheritdoc />
    public override string LimitOffset(int? limit, int offset)
    {
        if (limit is null && offset == 0)
        {
            return "";
        }

        // SQLite needs a LIMIT before an OFFSET; -1 means none.
        return string.Create(CultureInfo.InvariantCulture, $" LIMIT {limit ?? -1} OFFSET {offset}");
    }

    /// <inheritdoc />
    public override async Task PrepareConnectionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var sqlite = (SqliteConnection)connection;
        // Functions live on the connection object (the pool unregisters them when it takes a handle back), so every
        // connection handed out needs them again; registering one runs no SQL.
        sqlite.CreateFunction<string?, string?>(LowerFunction, s => s?.ToLowerInvariant(), isDeterministic: true);
        // The pragma lasts as long as the handle: a handle reused from the pool needs no statement for it.
        if (sqlite.Handle is { } handle && CaseSensitiveLike.TryGetValue(handle, out _))
        {
            return;
        }

        await using var command = sqlite.CreateCommand();
        command.CommandText = "PRAGMA case_sensitive_like = ON;";
        await command.ExecuteNonQueryAsync(cancellationToken);
        if (sqlite.Handle is { } configured)
        {
            CaseSensitiveLike.TryAdd(configured, configured);
        }
    }

    /// <inheritdoc />
    public override ValueTask<DbTransaction> BeginAsync(DbConnection connection, bool write, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // BeginTransaction() issues BEGIN IMMEDIATE (the write lock, waiting up to the busy timeout); deferred for readers,
        // which WAL lets run beside a writer on a consistent snapshot.
        return ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: !write));
    }

    /// <inheritdoc />
    public override bool IsTransient(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked };

    /// <inheritdoc />
    public override ConstraintViolation? AsConstraintViolation(Exception exception)
    {
        if (exception is not SqliteException { SqliteErrorCode: SqliteConstraint } e)
        {
            return null;
        }

        // Extended codes: 2067 UNIQUE, 1555 PRIMARY KEY, 787 FOREIGN KEY, 1299 NOT NULL, 275 CHECK.
        // ON DELETE RESTRICT reports through a trigger code (1811), so the message decides for foreign keys.
        var kind = e.SqliteExtendedErrorCode switch
        {
            2067 or 1555 => ConstraintKind.Unique,
            787 => ConstraintKind.ForeignKey,
            1299 => ConstraintKind.NotNull,
            _ when e.Message.Contains("FOREIGN KEY constraint failed", StringComparison.Ordinal) => ConstraintKind.ForeignKey,
            _ => ConstraintKind.Check,
        };
        // "UNIQUE constraint failed: res_users.login, res_users.company_id" names table and columns.
        string? table = null;
        var columns = new List<string>();
        var message = e.Message;
        var at = message.IndexOf("failed: ", StringComparison.Ordinal);
        if (at >= 0)
        {
            var list = message[(at + "failed: ".Length)..].TrimEnd('.', '\'', ' ');
            foreach (var part in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var dot = part.IndexOf('.', StringComparison.Ordinal);
                if (dot > 0)
                {
                    table = part[..dot];
                    columns.Add(part[(dot + 1)..]);
                }
            }
        }

        return new ConstraintViolation(kind, null, table, columns);
    }

    /// <inheritdoc />
    public override Task<IReadOnlySet<string>> TablesAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        ReadNamesAsync(connection, transaction, "SELECT name FROM sqlite_master WHERE type = 'table'", cancellationToken);

    /// <inheritdoc />
    public override Task<IReadOnlySet<string>> ColumnsAsync(DbConnection connection, DbTransaction transaction, string table, CancellationToken cancellationToken) =>
        ReadNamesAsync(connection, transaction, "SELECT name FROM pragma_table_info(@p0)", cancellationToken, table);

    /// <inheritdoc />
    public override Task<IReadOnlySet<string>> IndexesAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        ReadNamesAsync(connection, transaction, "SELECT name FROM sqlite_master WHERE type = 'index'", cancellationToken);

    /// <inheritdoc />
    public override Task<IReadOnlySet<string>> ForeignKeysAsync(DbConnection connection, DbTransaction transaction, string table, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlySet<string>>(new HashSet<string>(StringComparer.Ordinal));
}
