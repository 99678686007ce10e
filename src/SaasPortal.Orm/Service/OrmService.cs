using System.Globalization;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Methods;
using SaasPortal.Orm.Registry;
using SaasPortal.Orm.Security;
using SaasPortal.Orm.Sql;
using SaasPortal.Storage.Databases;

namespace SaasPortal.Orm.Service;

/// <summary>
/// The ORM's entry points for the edge: authenticate a login, run a model method as a user. Each call runs in one
/// transaction on the database it names, committed on success and rolled back on any error; on PostgreSQL a call
/// that lost a serialization race is run again from the start (Odoo does the same).
/// </summary>
public sealed class OrmService
{
    private readonly IDatabaseServer _server;
    private readonly IRegistryProvider _registries;
    private readonly CredentialCache _credentials;
    private readonly Lazy<Task<string>> _dummyHash;

    /// <summary>Creates the service over the database server and the registry provider.</summary>
    public OrmService(IDatabaseServer server, IRegistryProvider registries, OrmSettings settings)
    {
        _server = server;
        _registries = registries;
        Settings = settings;
        _credentials = new CredentialCache(settings.CredentialCacheSize);
        _dummyHash = new Lazy<Task<string>>(() => PasswordHasher.HashAsync(Guid.NewGuid().ToString(), settings.PasswordHashing));
    }

    /// <summary>The ORM's settings.</summary>
    public OrmSettings Settings { get; }

    /// <summary>
    /// The uid of an active user with that login and password, or null (never an exception) for bad credentials.
    /// A successful login records <c>login_date</c>.
    /// </summary>
    public async Task<int?> AuthenticateAsync(string database, string login, string password, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(login) || string.IsNullOrEmpty(password))
        {
            return null;
        }

        var user = await RunAsync(database, OrmEnvironment.SuperuserId, write: false, async env =>
        {
            var sql = new SqlBuilder(env.Transaction.Dialect)
                .Append("SELECT \"id\", \"password_crypt\" FROM \"res_users\" WHERE \"login\" = ").Value(login)
                .Append(" AND \"active\" = ").Value(true);
            var rows = await env.Transaction.RowsAsync(sql, cancellationToken);
            return rows.Count == 1 ? (Id: Convert.ToInt32(rows[0][0], CultureInfo.InvariantCulture), Hash: rows[0][1] as string) : ((int Id, string? Hash)?)null;
        }, cancellationToken, ModelRegistry.Kernel);

        if (user is not { } found || found.Hash is null)
        {
            // Same work for unknown logins as for known ones, so timing does not reveal which logins exist.
            await PasswordHasher.VerifyAsync(password, await _dummyHash.Value);
            return null;
        }

        if (!await PasswordHasher.VerifyAsync(password, found.Hash))
        {
            return null;
        }

        _credentials.Remember(database, found.Id, password, found.Hash);
        await RunAsync(database, OrmEnvironment.SuperuserId, write: true, async env =>
        {
            var sql = new SqlBuilder(env.Transaction.Dialect).Append("UPDATE \"res_users\" SET \"login_date\" = ").Value(Records.Values.Now())
                .Append(" WHERE \"id\" = ").Value(found.Id);
            await env.Transaction.ExecuteAsync(sql, cancellationToken);
            return true;
        }, cancellationToken, ModelRegistry.Kernel);
        return found.Id;
    }

    /// <summary>
    /// Runs <c>model.method(*args, **kwargs)</c> as <paramref name="uid"/> after checking the password against the
    /// database named (a uid of one database means nothing in another). Returns a wire value (never null).
    /// </summary>
    public async Task<object?> ExecuteKwAsync(string database, int uid, string password, string model, string method,
        IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs, CancellationToken cancellationToken)
    {
        var expectedHash = await CheckPasswordAsync(database, uid, password, cancellationToken);
        return await ExecuteAsync(database, uid, expectedHash, model, method, args, kwargs, cancellationToken);
    }

    /// <summary>
    /// Runs a model method as the user of a web session that proved its password at login; the user must still
    /// exist and be active.
    /// </summary>
    public Task<object?> ExecuteKwAsSessionUserAsync(string database, int uid, string model, string method,
        IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs, CancellationToken cancellationToken) =>
        ExecuteAsync(database, uid, expectedHash: null, model, method, args, kwargs, cancellationToken);

    private async Task<object?> ExecuteAsync(string database, int uid, string? expectedHash, string model, string method,
        IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs, CancellationToken cancellationToken)
    {
        var registry = await _registries.GetRegistryAsync(database, cancellationToken);
        // Refused private calls need no write lock either.
        var write = !method.StartsWith('_') && !BuiltinMethods.ReadOnly.Contains(method);
        var result = await RunAsync(database, uid, write, async env =>
        {
            // The user first (a session of a deactivated user learns nothing), then the method and the model.
            await EnsureUserAsync(env, expectedHash, cancellationToken);
            if (method.StartsWith('_'))
            {
                throw new AccessErrorException($"Private methods (such as {method}) cannot be called remotely.");
            }

            var modelInfo = registry[model];
            if (!env.IsSuperuser)
            {
                ClientValues.CheckWritable(registry, modelInfo, method, args, kwargs);
            }

            foreach (var guard in registry.CallGuards)
            {
                await guard(env, model, method, cancellationToken);
            }

            return await MethodCall.InvokeAsync(env, modelInfo, method, args, kwargs, cancellationToken);
        }, cancellationToken, registry);
        return result ?? false;
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction on <paramref name="database"/> as <paramref name="uid"/>,
    /// committing when it returns and rolling back when it throws; on a serialization failure or deadlock the whole
    /// work runs again (so it must not have effects outside the database that cannot be repeated). For the module
    /// system, the portal and tools; <paramref name="registry"/> defaults to the database's own.
    /// </summary>
    public async Task<T> RunAsync<T>(string database, int uid, bool write, Func<OrmEnvironment, Task<T>> work, CancellationToken cancellationToken,
        ModelRegistry? registry = null, OrmContext? context = null)
    {
        registry ??= await _registries.GetRegistryAsync(database, cancellationToken);
        var discarded = false;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await AttemptAsync(database, uid, write, work, registry, context, cancellationToken);
            }
            catch (Exception e) when (IsTransient(e))
            {
                if (attempt >= Settings.MaxTransientRetries)
                {
                    throw new ConcurrentUpdateException(e);
                }
            }
            catch (Exception e) when (!discarded && e is not OperationCanceledException)
            {
                // Pooled connections that could no longer reach the database (moved or dropped while they sat idle)
                // are discarded once, and the work runs again on a fresh connection, wherever the database now is.
                if (!await _server.DiscardStaleConnectionsAsync(database, e, cancellationToken))
                {
                    throw;
                }

                discarded = true;
                continue;
            }

            // The failed attempt's transaction is rolled back and its connection returned. Back off with full jitter
            // (a random wait up to an exponentially growing cap) so that the racing calls spread out instead of
            // colliding again in lockstep.
            var cap = Math.Min(1000, 10 << Math.Min(attempt, 7));
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, cap + 1)), cancellationToken);
        }
    }

    private async Task<T> AttemptAsync<T>(string database, int uid, bool write, Func<OrmEnvironment, Task<T>> work, ModelRegistry registry,
        OrmContext? context, CancellationToken cancellationToken)
    {
        var connection = await _server.OpenAsync(database, cancellationToken);
        await using var transaction = await OrmTransaction.BeginAsync(database, _server.Dialect, connection, write, ownsConnection: true, cancellationToken);
        var env = OrmEnvironment.Create(registry, transaction, Settings, uid, context);
        var result = await work(env);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    private bool IsTransient(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (_server.Dialect.IsTransient(e))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Checks the password (from the cache or with Argon2) and returns the stored hash it matched.</summary>
    private async Task<string> CheckPasswordAsync(string database, int uid, string password, CancellationToken cancellationToken)
    {
        if (uid <= 0 || string.IsNullOrEmpty(password))
        {
            throw new AccessDeniedException();
        }

        if (_credentials.Find(database, uid, password) is { } cached)
        {
            return cached;
        }

        var hash = await RunAsync(database, OrmEnvironment.SuperuserId, write: false, async env =>
        {
            var sql = new SqlBuilder(env.Transaction.Dialect).Append("SELECT \"password_crypt\" FROM \"res_users\" WHERE \"id\" = ").Value(uid)
                .Append(" AND \"active\" = ").Value(true);
            return await env.Transaction.ScalarAsync(sql, cancellationToken) as string;
        }, cancellationToken, ModelRegistry.Kernel);
        if (hash is null || !await PasswordHasher.VerifyAsync(password, hash))
        {
            throw new AccessDeniedException();
        }

        _credentials.Remember(database, uid, password, hash);
        return hash;
    }

    /// <summary>Inside the call's transaction: the user exists, is active and (for password calls) still has the checked password.</summary>
    private async Task EnsureUserAsync(OrmEnvironment env, string? expectedHash, CancellationToken cancellationToken)
    {
        var sql = new SqlBuilder(env.Transaction.Dialect).Append("SELECT \"password_crypt\", \"active\" FROM \"res_users\" WHERE \"id\" = ").Value(env.Uid);
        var rows = await env.Transaction.RowsAsync(sql, cancellationToken);
        var active = rows.Count == 1 && rows[0][1] is { } flag && (flag is bool b ? b : Convert.ToInt64(flag, CultureInfo.InvariantCulture) != 0);
        if (!active || (expectedHash is not null && !string.Equals(rows[0][0] as string, expectedHash, StringComparison.Ordinal)))
        {
            _credentials.Forget(env.Database, env.Uid);
            throw new AccessDeniedException();
        }
    }

    /// <summary>Forgets cached credentials of a database (after it was dropped, renamed or restored).</summary>
    public void ForgetDatabase(string database) => _credentials.Forget(database);
}
