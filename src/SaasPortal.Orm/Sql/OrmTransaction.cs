using System.Data.Common;
using SaasPortal.Storage.Dialects;

namespace SaasPortal.Orm.Sql;

/// <summary>
/// The connection and transaction of one call on one database. Every statement of the call runs here; the
/// caller commits on success and rolls back (by disposing) otherwise.
/// </summary>
public sealed class OrmTransaction : IAsyncDisposable
{
    private readonly DbConnection _connection;
    private readonly bool _ownsConnection;
    private DbTransaction? _transaction;
    private List<Func<bool, ValueTask>>? _onFinished;

    private OrmTransaction(string database, SqlDialect dialect, DbConnection connection, DbTransaction transaction, bool write, bool ownsConnection)
    {
        Database = database;
        Dialect = dialect;
        _connection = connection;
        _transaction = transaction;
        IsWrite = write;
        _ownsConnection = ownsConnection;
    }

    /// <summary>The database name.</summary>
    public string Database { get; }

    /// <summary>The database's SQL dialect.</summary>
    public SqlDialect Dialect { get; }

    /// <summary>Whether the transaction was begun for writing (BEGIN IMMEDIATE on SQLite).</summary>
    public bool IsWrite { get; }

    /// <summary>The open connection (for code that must run its own SQL inside the call's transaction).</summary>
    public DbConnection Connection => _connection;

    /// <summary>The transaction (null once committed).</summary>
    public DbTransaction? Transaction => _transaction;

    /// <summary>How many statements the ORM has sent in this transaction so far (for tests and diagnostics).</summary>
    public int StatementCount { get; private set; }

    /// <summary>
    /// Begins a transaction on an open connection, preparing the connection for the ORM first. When
    /// <paramref name="ownsConnection"/> is true, disposing the transaction also disposes the connection.
    /// </summary>
    public static async Task<OrmTransaction> BeginAsync(string database, SqlDialect dialect, DbConnection connection, bool write,
        bool ownsConnection, CancellationToken cancellationToken)
    {
        try
        {
            await dialect.PrepareConnectionAsync(connection, cancellationToken);
            var transaction = await dialect.BeginAsync(connection, write, cancellationToken);
            return new OrmTransaction(database, dialect, connection, transaction, write, ownsConnection);
        }
        catch
        {
            if (ownsConnection)
            {
                await connection.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="callback"/> once the transaction is over: with true right after a successful commit, with
    /// false when it is rolled back or its commit fails. For work outside the database that must follow the call's
    /// outcome (e.g. a crash journal entry that may only go once the portal's record of the operation is durable).
    /// The callback must not throw.
    /// </summary>
    public void OnFinished(Func<bool, ValueTask> callback) => (_onFinished ??= []).Add(callback);

    /// <summary>Commits; the transaction cannot be used afterwards.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        var transaction = _transaction ?? throw new InvalidOperationException("The transaction is already finished.");
        _transaction = null;
        await transaction.CommitAsync(cancellationToken);
        await FinishAsync(committed: true);
        await transaction.DisposeAsync();
    }

    private async ValueTask FinishAsync(bool committed)
    {
        var callbacks = _onFinished;
        _onFinished = null;
        foreach (var callback in callbacks ?? [])
        {
            await callback(committed);
        }
    }

    /// <summary>A command bound to the transaction with the builder's text and parameters.</summary>
    internal DbCommand Command(SqlBuilder sql) => Command(sql.ToString(), sql.Parameters);

    internal DbCommand Command(string text, IReadOnlyList<object?> parameters)
    {
        var command = _connection.CreateCommand();
        command.Transaction = _transaction ?? throw new InvalidOperationException("The transaction is already finished.");
        command.CommandText = text;
        StatementCount++;
        for (var i = 0; i < parameters.Count; i++)
        {
            Dialect.AddParameter(command, i, parameters[i]);
        }

        return command;
    }

    internal async Task<int> ExecuteAsync(SqlBuilder sql, CancellationToken cancellationToken)
    {
        await using var command = Command(sql);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal async Task<int> ExecuteAsync(string text, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = Command(text, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal async Task<object?> ScalarAsync(SqlBuilder sql, CancellationToken cancellationToken)
    {
        await using var command = Command(sql);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }

    /// <summary>Runs a query and returns every row as an array of raw values (DBNull as null).</summary>
    internal async Task<List<object?[]>> RowsAsync(SqlBuilder sql, CancellationToken cancellationToken)
    {
        await using var command = Command(sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Runs a query returning ids in its first column.</summary>
    internal async Task<List<int>> IdsAsync(SqlBuilder sql, CancellationToken cancellationToken)
    {
        await using var command = Command(sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new List<int>();
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!reader.IsDBNull(0))
            {
                ids.Add(Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return ids;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_transaction is { } transaction)
        {
            _transaction = null;
            try
            {
                await transaction.RollbackAsync(CancellationToken.None);
            }
            catch (DbException)
            {
                // The connection may already be broken; closing it below discards the transaction anyway.
            }

            await transaction.DisposeAsync();
        }

        // Not committed (rolled back, or the commit itself failed): callbacks still pending learn it here.
        await FinishAsync(committed: false);
        if (_ownsConnection)
        {
            await _connection.DisposeAsync();
        }
    }
}
