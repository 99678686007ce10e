using SaasPortal.Orm.Security;

namespace SaasPortal.Orm;

/// <summary>Settings of the ORM, given by the host.</summary>
public sealed record OrmSettings
{
    /// <summary>The data directory: attachments live in <c>filestore/&lt;database&gt;/</c> below it.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>How passwords are hashed; production defaults unless tests choose cheaper ones.</summary>
    public PasswordHashingOptions PasswordHashing { get; init; } = PasswordHashingOptions.Default;

    /// <summary>
    /// How many times a call that hit a serialization failure or deadlock is run again (PostgreSQL). Each round of
    /// writers racing for one row lets one of them through, so this bounds how many may race at once.
    /// </summary>
    public int MaxTransientRetries { get; init; } = 10;

    /// <summary>Largest number of (database, user) credential checks remembered in memory.</summary>
    public int CredentialCacheSize { get; init; } = 10_000;

    /// <summary>The file store folder of a database.</summary>
    public string FilestoreOf(string database) => Path.Combine(Path.GetFullPath(DataDirectory), "filestore", database);
}
