using System.Data;
using System.Data.Common;

namespace SaasPortal.Storage.Dialects;

/// <summary>
/// What differs between SQLite and PostgreSQL SQL. The ORM's SQL builder emits one statement shape and asks
/// the dialect for the parts that differ. Identifiers reaching a dialect were checked against the model first;
/// quoting is a second fence, not the first. Dialects know nothing of models: they speak of tables, columns
/// and <see cref="SqlColumnType"/>s.
/// </summary>
public abstract class SqlDialect
{
    /// <summary>The backend this dialect speaks for.</summary>
    public abstract DatabaseBackend Backend { get; }

    /// <summary>Quotes an identifier (table or column name).</summary>
    public string Quote(string identifier)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        return "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>The placeholder of the <paramref name="index"/>-th (zero-based) parameter of a command.</summary>
    public abstract string Parameter(int index);

    /// <summary>Adds the <paramref name="index"/>-th parameter to <paramref name="command"/>, converting the value to the driver's form.</summary>
    public abstract void AddParameter(DbCommand command, int index, object? value);

    /// <summary>Column definition of the integer primary key that never reuses ids.</summary>
    public abstract string PrimaryKeyColumn { get; }

    /// <summary>The column type of a value kind.</summary>
    public abstract string ColumnType(SqlColumnType type);

    /// <summary>
    /// True when foreign keys are declared inline with the column (SQLite cannot add them later);
    /// false when they are added with <see cref="AddForeignKey"/> once every table exists (PostgreSQL).
    /// </summary>
    public abstract bool InlineForeignKeys { get; }

    /// <summary>The statement adding a named foreign key (only when <see cref="InlineForeignKeys"/> is false).</summary>
    public virtual string AddForeignKey(string table, string constraint, string column, string targetTable, string onDelete) =>
        $"ALTER TABLE {Quote(table)} ADD CONSTRAINT {Quote(constraint)} FOREIGN KEY ({Quote(column)}) " +
        $"REFERENCES {Quote(targetTable)} (\"id\") ON DELETE {OnDeleteAction(onDelete)}";

    /// <summary>The SQL action of an Odoo ondelete policy.</summary>
    public static string OnDeleteAction(string onDelete) => onDelete switch
    {
        "cascade" => "CASCADE",
        "restrict" => "RESTRICT",
        _ => "SET NULL",
    };

    /// <summary>
    /// Membership of <paramref name="expression"/> in a list passed as one parameter (<see cref="ListParameter"/>),
    /// so that a client's list of ten thousand ids does not become ten thousand parameters.
    /// </summary>
    public abstract string InListParameter(string expression, string placeholder);

    /// <summary>The single parameter value carrying <paramref name="values"/> for <see cref="InListParameter"/>.</summary>
    public abstract object ListParameter(IReadOnlyList<object> values);

    /// <summary>A case-sensitive LIKE of <paramref name="expression"/> against a pattern, with backslash as escape.</summary>
    public abstract string Like(string expression, string pattern);

    /// <summary>A case-insensitive LIKE (also for non-ASCII letters), with backslash as escape.</summary>
    public abstract string ILike(string expression, string pattern);

    /// <summary>An expression turning a text into lower case, for every alphabet.</summary>
    public abstract string Lower(string expression);

    /// <summary>A date or timestamp expression truncated to <paramref name="unit"/> (day, week, month, quarter, year), as a 'YYYY-MM-DD' text.</summary>
    public abstract string DateTrunc(string unit, string expression);

    /// <summary>Casts an expression to text (for LIKE on numbers and dates).</summary>
    public abstract string CastToText(string expression);

    /// <summary>LIMIT/OFFSET clause; both are literal non-negative integers chosen by the ORM, never user text.</summary>
    public abstract string LimitOffset(int? limit, int offset);

    /// <summary>Prepares a freshly opened connection for the ORM (functions, per-connection settings).</summary>
    public abstract Task PrepareConnectionAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>
    /// Begins the transaction of one call. Writers take the write lock up front on SQLite (BEGIN IMMEDIATE), so two
    /// writers queue rather than one failing half-way; PostgreSQL runs every call in REPEATABLE READ.
    /// </summary>
    public abstract ValueTask<DbTransaction> BeginAsync(DbConnection connection, bool write, CancellationToken cancellationToken);

    /// <summary>True when the whole call may be retried: a serialization failure or deadlock.</summary>
    public abstract bool IsTransient(Exception exception);

    /// <summary>Classifies a constraint violation raised by the database, or null when it is something else.</summary>
    public abstract ConstraintViolation? AsConstraintViolation(Exception exception);

    /// <summary>Names of every table in the database.</summary>
    public abstract Task<IReadOnlySet<string>> TablesAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>Names of the columns of <paramref name="table"/>.</summary>
    public abstract Task<IReadOnlySet<string>> ColumnsAsync(DbConnection connection, DbTransaction transaction, string table, CancellationToken cancellationToken);

    /// <summary>Names of the indexes of the database (all tables).</summary>
    public abstract Task<IReadOnlySet<string>> IndexesAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>Names of the foreign-key constraints of <paramref name="table"/> (empty when declared inline).</summary>
    public abstract Task<IReadOnlySet<string>> ForeignKeysAsync(DbConnection connection, DbTransaction transaction, string table, CancellationToken cancellationToken);

    /// <summary>Longest identifier the backend keeps.</summary>
    public virtual int MaxIdentifierLength => 63;

    /// <summary>Runs a query returning one text column, with parameters bound the dialect's way.</summary>
    protected async Task<IReadOnlySet<string>> ReadNamesAsync(DbConnection connection, DbTransaction transaction, string sql,
        CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        for (var i = 0; i < parameters.Length; i++)
        {
            AddParameter(command, i, parameters[i]);
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.Default, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}

/// <summary>Kinds of stored values, as the ORM maps field types onto columns.</summary>
public enum SqlColumnType
{
    /// <summary>Unbounded text.</summary>
    Text,

    /// <summary>32-bit integer (ids and many2one columns included).</summary>
    Integer,

    /// <summary>Double precision float.</summary>
    Double,

    /// <summary>Boolean (0/1 on SQLite).</summary>
    Boolean,

    /// <summary>Calendar date ('YYYY-MM-DD' text on SQLite).</summary>
    Date,

    /// <summary>UTC timestamp without zone ('YYYY-MM-DD HH:MM:SS' text on SQLite).</summary>
    DateTime,

    /// <summary>Bytes.</summary>
    Binary,
}

/// <summary>What kind of constraint a statement violated.</summary>
public enum ConstraintKind
{
    /// <summary>A unique index or constraint.</summary>
    Unique,

    /// <summary>A foreign key (a reference to a missing row, or a delete that a RESTRICT forbids).</summary>
    ForeignKey,

    /// <summary>A NOT NULL column.</summary>
    NotNull,

    /// <summary>A CHECK constraint.</summary>
    Check,
}

/// <summary>A constraint violation, with whatever the backend tells about it.</summary>
/// <param name="Kind">The constraint kind.</param>
/// <param name="Constraint">The constraint or index name when the backend reports it (PostgreSQL).</param>
/// <param name="Table">The table when known.</param>
/// <param name="Columns">The columns when the backend reports them (SQLite names them).</param>
public sealed record ConstraintViolation(ConstraintKind Kind, string? Constraint, string? Table, IReadOnlyList<string> Columns);
