namespace SaasPortal.Storage.Dialects;

/// <summary>
/// What differs between SQLite and PostgreSQL SQL. The ORM's SQL builder emits one statement shape and asks
/// the dialect for the parts that differ. Identifiers reaching a dialect were checked against the model first;
/// quoting is a second fence, not the first.
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
}
