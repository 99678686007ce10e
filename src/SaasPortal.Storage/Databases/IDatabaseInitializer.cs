namespace SaasPortal.Storage.Databases;

/// <summary>
/// Turns a freshly created empty database into a working one (kernel tables, <c>base</c> and the requested
/// modules, the admin user). Implemented by the module system; the database manager calls it right after
/// creating the empty database and drops the database again when it fails, so a half-initialised database is
/// never left behind.
/// </summary>
public interface IDatabaseInitializer
{
    /// <summary>Initialises <see cref="DatabaseInitialization.Name"/>, which exists and is empty.</summary>
    Task InitializeAsync(DatabaseInitialization request, CancellationToken cancellationToken);

    /// <summary>
    /// Gives a copied or restored-as-copy database its own identity (Odoo's <c>database.uuid</c> and creation date),
    /// so the copy is not mistaken for its source. Does nothing unless the module system overrides it.
    /// </summary>
    Task ResetIdentityAsync(string name, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>What <c>db.create_database</c> asked for.</summary>
public sealed record DatabaseInitialization
{
    /// <summary>The database, already created and empty.</summary>
    public required string Name { get; init; }

    /// <summary>Whether demo data was requested (accepted for compatibility; the catalogue may ignore it).</summary>
    public bool Demo { get; init; }

    /// <summary>Language code such as <c>en_US</c>.</summary>
    public string Lang { get; init; } = "en_US";

    /// <summary>Login of the administrator (uid 1).</summary>
    public string Login { get; init; } = "admin";

    /// <summary>Password of the administrator. Never logged.</summary>
    public required string Password { get; init; }

    /// <summary>ISO country code of the main company, when given.</summary>
    public string? CountryCode { get; init; }

    /// <summary>Modules to install besides <c>base</c> (with their dependencies), e.g. <c>saas_portal</c> for the portal.</summary>
    public IReadOnlyList<string> Modules { get; init; } = [];
}
