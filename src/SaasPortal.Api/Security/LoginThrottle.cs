using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SaasPortal.Api.Services;

namespace SaasPortal.Api.Security;

/// <summary>
/// Slows down password guessing: after <see cref="LoginThrottleOptions.FreeFailures"/> failed checks in a row for
/// one (database, login, client address), further attempts are refused without checking the password for a
/// wait that doubles with each failure (up to <see cref="LoginThrottleOptions.MaxDelay"/>). A success clears
/// the count. Keying on the address too means an attacker elsewhere cannot lock the real user out.
/// </summary>
/// <remarks>
/// Used by common.login/authenticate, execute_kw's credential check (the login being the uid),
/// /web/session/authenticate and the db service's master password. Logs name the login, database and address,
/// never the password.
/// </remarks>
public sealed partial class LoginThrottle
{
    private readonly ConcurrentDictionary<Key, Entry> _entries = new();
    private readonly LoginThrottleOptions _options;
    private readonly TimeProvider _time;
    private readonly IHttpContextAccessor _http;
    private readonly ILogger<LoginThrottle> _logger;

    /// <summary>Creates the limiter.</summary>
    public LoginThrottle(IOptions<LoginThrottleOptions> options, TimeProvider time, IHttpContextAccessor http, ILogger<LoginThrottle> logger)
    {
        _options = options.Value;
        _time = time;
        _http = http;
        _logger = logger;
    }

    /// <summary>The login the database manager's master password is counted under.</summary>
    public const string MasterLogin = "<master password>";

    private readonly record struct Key(string Database, string Login, string Address);

    private sealed record Entry(int Failures, DateTimeOffset LastFailure, DateTimeOffset LockedUntil);

    /// <summary>
    /// Runs <paramref name="check"/> (a credential check answering whether it passed) unless the caller has to
    /// wait; counts its failure or clears the count on success. A refused attempt is AccessDenied.
    /// </summary>
    public async Task<T> GuardAsync<T>(string database, string login, Func<Task<T>> check, Func<T, bool> passed)
    {
        var key = new Key(database, login, Address());
        var now = _time.GetUtcNow();
        if (_entries.TryGetValue(key, out var entry) && entry.LockedUntil > now)
        {
            LogRefused(_logger, login, database, key.Address, (int)Math.Ceiling((entry.LockedUntil - now).TotalSeconds));
            throw TooMany();
        }

        T result;
        try
        {
            result = await check();
        }
        catch (Exception e) when (IsBadCredentials(e))
        {
            Failed(key);
            throw;
        }

        if (passed(result))
        {
            _entries.TryRemove(key, out _);
        }
        else
        {
            Failed(key);
        }

        return result;
    }

    /// <summary>The fault of a refused attempt, as Odoo words it.</summary>
    public static ServiceException TooMany() =>
        new("odoo.exceptions.AccessDenied", ServiceException.AccessDeniedCode, "Too many login failures, please wait a bit before trying again.");

    private static bool IsBadCredentials(Exception e) =>
        e is Orm.Errors.AccessDeniedException || (e is ServiceException { FaultCode: ServiceException.AccessDeniedCode });

    private void Failed(Key key)
    {
        var now = _time.GetUtcNow();
        if (_entries.Count >= _options.MaxTracked)
        {
            Prune(now);
        }

        var entry = _entries.AddOrUpdate(key,
            _ => Next(null, now),
            (_, previous) => Next(previous, now));
        LogFailed(_logger, key.Login, key.Database, key.Address, entry.Failures);
    }

    private Entry Next(Entry? previous, DateTimeOffset now)
    {
        var failures = previous is null || now - previous.LastFailure > _options.ForgetAfter ? 1 : previous.Failures + 1;
        var over = failures - _options.FreeFailures;
        if (over <= 0)
        {
            return new Entry(failures, now, DateTimeOffset.MinValue);
        }

        // BaseDelay * 2^(over-1), capped; the exponent is capped first so the multiplication cannot overflow.
        var delay = TimeSpan.FromTicks(Math.Min(_options.MaxDelay.Ticks, _options.BaseDelay.Ticks * (1L << Math.Min(over - 1, 30))));
        return new Entry(failures, now, now + delay);
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, entry) in _entries)
        {
            if (now - entry.LastFailure > _options.ForgetAfter && entry.LockedUntil <= now)
            {
                _entries.TryRemove(key, out _);
            }
        }

        if (_entries.Count >= _options.MaxTracked)
        {
            // Still full of live entries (a spray over many logins): start over rather than grow without bound.
            // Each entry cost the sprayer a full password check, so this is slow to provoke.
            _entries.Clear();
        }
    }

    private string Address() => _http.HttpContext?.Connection.RemoteIpAddress?.ToString() ?? "local";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Login failed for {Login} on {Database} from {Address} ({Failures} in a row)")]
    private static partial void LogFailed(ILogger logger, string login, string database, string address, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Login refused without checking for {Login} on {Database} from {Address}: too many failures, retry in {Seconds} s")]
    private static partial void LogRefused(ILogger logger, string login, string database, string address, int seconds);
}
