using SaasPortal.Orm;
using SaasPortal.Storage;

namespace SaasPortal.Saas.Governance;

/// <summary>
/// Makes the check of a limit and the write it allows one step for concurrent calls of a tenant. A limit is a
/// count-then-write: on PostgreSQL each transaction counts in its own snapshot (REPEATABLE READ), so twenty calls
/// that start together all see room for one more and all pass. Each checking transaction therefore rewrites the
/// limit's own parameter row: of two overlapping ones, the second blocks on the row and then fails with a
/// serialization error, which the ORM retries with a fresh snapshot that counts the first one's write. On SQLite a
/// writing call already holds the database's single write lock (BEGIN IMMEDIATE), so there is nothing to add.
/// </summary>
public static class LimitSerializer
{
    /// <summary>Serialises the calling transaction with every other one checking the limit stored under <paramref name="key"/>.</summary>
    public static async Task SerializeAsync(OrmEnvironment env, string key, CancellationToken cancellationToken)
    {
        var dialect = env.Transaction.Dialect;
        if (dialect.Backend != DatabaseBackend.Postgres)
        {
            return;
        }

        await using var command = env.Transaction.Connection.CreateCommand();
        command.Transaction = env.Transaction.Transaction;
        command.CommandText = $"UPDATE \"ir_config_parameter\" SET \"value\" = \"value\" WHERE \"key\" = {dialect.Parameter(0)}";
        dialect.AddParameter(command, 0, key);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
