namespace SaasPortal.Client;

/// <summary>
/// A user on one database: every call sends the uid and password, as Odoo's external API wants (there is no
/// server-side session to expire). Immutable and thread-safe.
/// </summary>
public sealed class OdooSession
{
    internal OdooSession(OdooClient client, string database, int uid, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(database);
        Client = client;
        Database = database;
        Uid = uid;
        Password = password ?? throw new ArgumentNullException(nameof(password));
    }

    /// <summary>The client this session calls through.</summary>
    public OdooClient Client { get; }

    /// <summary>The database.</summary>
    public string Database { get; }

    /// <summary>The user's id in <see cref="Database"/>.</summary>
    public int Uid { get; }

    /// <summary>The password sent with every call.</summary>
    public string Password { get; }

    /// <summary>The generic model API for <paramref name="model"/> (e.g. <c>res.partner</c>).</summary>
    public OdooModel Model(string model) => new(this, model);

    /// <summary>The model API with records mapped onto <typeparamref name="T"/> (see <see cref="OdooModel{T}"/>).</summary>
    public OdooModel<T> Model<T>(string model)
        where T : class, new() => new(new OdooModel(this, model));

    /// <summary>The SaaS portal operations, for a session on the portal database.</summary>
    public SaasPortalApi Portal() => new(this);

    /// <summary><c>execute_kw</c> on <see cref="Database"/> as this user.</summary>
    /// <exception cref="OdooFaultException">The server refused or failed the call.</exception>
    public Task<object?> ExecuteKwAsync(string model, string method, IReadOnlyList<object?> args, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, object?>? kwargs = null) =>
        Client.Object.ExecuteKwAsync(Database, Uid, Password, model, method, args, kwargs, cancellationToken);

    /// <inheritdoc />
    public override string ToString() => $"uid {Uid} on {Database}";
}
