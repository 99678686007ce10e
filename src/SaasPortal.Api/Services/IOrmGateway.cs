namespace SaasPortal.Api.Services;

/// <summary>
/// What the edge needs from the ORM: authenticating a login on a database and running a model method as a user.
/// The ORM checks credentials (and, for sessions, that the user is still active) per database, so a uid of one
/// database means nothing in another.
/// </summary>
public interface IOrmGateway
{
    /// <summary>The uid of <paramref name="login"/> on <paramref name="database"/>, or null for bad credentials (never a fault).</summary>
    Task<int?> AuthenticateAsync(string database, string login, string password, CancellationToken cancellationToken);

    /// <summary>Runs <c>model.method(*args, **kwargs)</c> as <paramref name="uid"/>, checking the password first.</summary>
    Task<object?> ExecuteKwAsync(string database, int uid, string password, string model, string method,
        IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <c>model.method(*args, **kwargs)</c> as the user of a signed web session, which proved its password at
    /// /web/session/authenticate; the ORM still refuses inactive or deleted users.
    /// </summary>
    Task<object?> ExecuteKwAsSessionUserAsync(string database, int uid, string model, string method,
        IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs, CancellationToken cancellationToken);

    /// <summary>Drops what the ORM remembers of a database (cached credentials) after it was dropped, renamed or restored.</summary>
    void ForgetDatabase(string database);
}
