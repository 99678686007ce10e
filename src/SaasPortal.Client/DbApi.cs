namespace SaasPortal.Client;

/// <summary>
/// The <c>db</c> service: listing needs nothing, managing databases needs the server's master password (a wrong one
/// is an <see cref="OdooFaultException"/> with code 3).
/// </summary>
public sealed class DbApi
{
    private const string Service = "db";
    private readonly IRpcTransport _transport;

    internal DbApi(IRpcTransport transport) => _transport = transport;

    /// <summary><c>db.list()</c>: the databases the server holds.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken) =>
        Wire.Strings(await CallAsync("list", [], cancellationToken).ConfigureAwait(false), "db.list()");

    /// <summary><c>db.db_exist(name)</c>.</summary>
    public async Task<bool> ExistsAsync(string name, CancellationToken cancellationToken) =>
        Wire.Bool(await CallAsync("db_exist", [name], cancellationToken).ConfigureAwait(false), "db.db_exist()");

    /// <summary><c>db.server_version()</c>.</summary>
    public async Task<string> ServerVersionAsync(CancellationToken cancellationToken) =>
        await CallAsync("server_version", [], cancellationToken).ConfigureAwait(false) as string ?? "";

    /// <summary>
    /// <c>db.create_database(master, name, demo, lang, user_password, login)</c>: a new database with base
    /// installed and its administrator <paramref name="login"/> / <paramref name="adminPassword"/>.
    /// </summary>
    public async Task CreateDatabaseAsync(string masterPassword, string name, string adminPassword, CancellationToken cancellationToken,
        string login = "admin", string lang = "en_US", bool demo = false) =>
        await CallAsync("create_database", [masterPassword, name, demo, lang, adminPassword, login], cancellationToken).ConfigureAwait(false);

    /// <summary><c>db.duplicate_database(master, source, target)</c>: a copy with its own identity.</summary>
    public async Task DuplicateDatabaseAsync(string masterPassword, string source, string target, CancellationToken cancellationToken) =>
        await CallAsync("duplicate_database", [masterPassword, source, target], cancellationToken).ConfigureAwait(false);

    /// <summary><c>db.drop(master, name)</c>: true when it was dropped, false when there was no such database.</summary>
    public async Task<bool> DropAsync(string masterPassword, string name, CancellationToken cancellationToken) =>
        Wire.Bool(await CallAsync("drop", [masterPassword, name], cancellationToken).ConfigureAwait(false), "db.drop()");

    /// <summary><c>db.rename(master, old, new)</c>.</summary>
    public async Task RenameAsync(string masterPassword, string oldName, string newName, CancellationToken cancellationToken) =>
        await CallAsync("rename", [masterPassword, oldName, newName], cancellationToken).ConfigureAwait(false);

    /// <summary><c>db.dump(master, name, 'zip')</c>: the archive (database, file store, manifest.json).</summary>
    public async Task<byte[]> DumpAsync(string masterPassword, string name, CancellationToken cancellationToken) =>
        Convert.FromBase64String(await CallAsync("dump", [masterPassword, name, "zip"], cancellationToken).ConfigureAwait(false) as string
            ?? throw new FormatException("db.dump() answered without an archive."));

    /// <summary><c>db.restore(master, name, data, copy)</c>: <paramref name="copy"/> gives the restored database a new identity.</summary>
    public async Task RestoreAsync(string masterPassword, string name, ReadOnlyMemory<byte> archive, CancellationToken cancellationToken, bool copy = false) =>
        await CallAsync("restore", [masterPassword, name, Convert.ToBase64String(archive.Span), copy], cancellationToken).ConfigureAwait(false);

    /// <summary><c>db.change_admin_password(master, new)</c>: changes the master password itself.</summary>
    public async Task ChangeMasterPasswordAsync(string masterPassword, string newPassword, CancellationToken cancellationToken) =>
        await CallAsync("change_admin_password", [masterPassword, newPassword], cancellationToken).ConfigureAwait(false);

    private Task<object?> CallAsync(string method, object?[] args, CancellationToken cancellationToken) =>
        _transport.CallAsync(Service, method, args, cancellationToken);
}
