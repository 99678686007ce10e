using System.Data;
using System.Data.Common;
using System.Globalization;
using Npgsql;

namespace SaasPortal.Storage.Dialects;

/// <summary>
/// PostgreSQL: one database per tenant. Parameters are positional ($1, $2…) so Npgsql sends them without
/// rewriting the statement; calls run in REPEATABLE READ and are retried whole on serialization failures.
/// </summary>
public sealed class PostgresDialect : SqlDialect
{
    /// <summary>The shared instance; the dialect holds no state.</summary>
    public static PostgresDialect Instance { get; } = new();

    /// <inheritdoc />
    public override DatabaseBackend Backend => DatabaseBackend.Postgres;

    /// <inheritdoc />
    public override string Parameter(int index) => "$" + (index + 1).ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override void AddParameter(DbCommand command, int index, object? value) =>
        command.Parameters.Add(new NpgsqlParameter { Value = ToDriver(value) });

    private static object ToDriver(object? value) => value switch
    {
        null => DBNull.Value,
        // timestamp without time zone takes unspecified DateTimes; a UTC kind would make Npgsql send timestamptz.
        DateTime t => DateTime.SpecifyKind(t, DateTimeKind.Unspecified),
        _ => value,
    };

    /// <inheritdoc />
    public override string InListParameter(string expression, string placeholder) => $"{expression} = ANY({placeholder})";

    /// <inheritdoc />
    public override object ListParameter(IReadOnlyList<object> values)
    {
        // A typed array, so that PostgreSQL compares like with like (ints stay ints, dates stay dates).
        var converted = values.Select(ToDriver).ToArray();
        return converted switch
        {
            _ when converted.All(v => v is int) => converted.Cast<int>().ToArray(),
            _ when converted.All(v => v is int or long) => converted.Select(Convert.ToInt64).ToArray(),
            _ when converted.All(v => v is int or long or double) => converted.Select(Convert.ToDouble).ToArray(),
            _ when converted.All(v => v is bool) => converted.Cast<bool>().ToArray(),
            _ when converted.All(v => v is DateOnly) => converted.Cast<DateOnly>().ToArray(),
            _ when converted.All(v => v is DateTime) => converted.Cast<DateTime>().ToArray(),
            _ => converted.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)).ToArray(),
        };
    }

    /// <inheritdoc />
    public override string PrimaryKeyColumn => "\"id\" SERIAL PRIMARY KEY";

    /// <inheritdoc />
    public override string ColumnType(SqlColumnType type) => type switch
    {
        SqlColumnType.Integer => "integer",
        SqlColumnType.Double => "double precision",
        SqlColumnType.Boolean => "boolean",
        SqlColumnType.Date => "date",
        SqlColumnType.DateTime => "timestamp without time zone",
        SqlColumnType.Binary => "bytea",
        _ => "text",
    };

    /// <inheritdoc />
    public override bool InlineForeignKeys => false;

    /// <inheritdoc />
    public override string Like(string expression, string pattern) => $"({expression} LIKE {pattern})";

    /// <inheritdoc />
    public override string ILike(string expression, string pattern) => $"({expression} ILIKE {pattern})";

    /// <inheritdoc />
    public override string Lower(string expression) => $"lower({expression})";

    /// <inheritdoc />
    public override string DateTrunc(string unit, string expression) => unit switch
    {
        "day" or "week" or "month" or "quarter" or "year" => $"to_char(date_trunc('{unit}', {expression}), 'YYYY-MM-DD')",
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, "Unknown date unit."),
    };

    /// <inheritdoc />
    public override string CastToText(string expression) => $"CAST({expression} AS text)";

    /// <inheritdoc />
    public override string LimitOffset(int? limit, int offset)
    {
        var clause = limit is { } l ? string.Create(CultureInfo.InvariantCulture, $" LIMIT {l}") : "";
        return offset > 0 ? clause + string.Create(CultureInfo.InvariantCulture, $" OFFSET {offset}") : clause;
    }

    /// <inheritdoc />
    public override Task PrepareConnectionAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public override async ValueTask<DbTransaction> BeginAsync(DbConnection connection, bool write, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

    /// <inheritdoc />
    public override bool IsTransient(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected };

    /// <inheritdoc />
    public override ConstraintViolation? AsConstraintViolation(Exception exception)
    {
        if (exception is not PostgresException e)
        {
            return null;
        }

        ConstraintKind? kind = e.SqlState switch
        {
            PostgresErrorCodes.UniqueViolation => ConstraintKind.Unique,
            PostgresErrorCodes.ForeignKeyViolation => ConstraintKind.ForeignKey,
            PostgresErrorCodes.NotNullViolation => ConstraintKind.NotNull,
            PostgresErrorCodes.CheckViolation => ConstraintKind.Check,
            _ => null,
        };
        return kind is null
            ? null
            : new ConstraintViolation(kind.Value, e.ConstraintName, e.TableName, e.ColumnName is { } c ? [c] : []);
    }

    /// <inheritdoc />
    public override Task<IReadOnlySet<string>> TablesAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        ReadNamesAsync(connection, transaction, "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()", cancellationToken);

    /// <inheritdoc />
    public override Task<IReadOnlySet<string>> ColumnsAsync(DbConnection connection, DbTransaction transaction, string table, CancellationToken cancellationToken) =>
        ReadNamesAsync(connection, transaction,
            "SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1",
            cancellationToken, table);

    /// <inheritdoc />
    public override Task<IReadOnlySet<string>> IndexesAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        ReadNamesAsync(connection, transaction, "SELECT indexname::text FROM pg_indexes WHERE schemaname = current_schema()", cancellationToken);

    /// <inheritdoc />
    public override Task<IReadOnlySet<string>> ForeignKeysAsync(DbConnection connection, DbTransaction transaction, string table, CancellationToken cancellationToken) =>
        ReadNamesAsync(connection, transaction,
            """
            SELECT c.conname::text FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
            WHERE c.contype = 'f' AND t.relname = $1 AND t.relnamespace = current_schema()::regnamespace
            """,
            cancellationToken, table);
}
