using System.Collections.Concurrent;

namespace SaasPortal.Storage.Databases;

/// <summary>
/// Remembers when each database was last opened and, on a timer, hands those unused for longer than the idle
/// timeout to a callback that closes their pooled connections. A thousand tenants that each served one call an
/// hour ago then hold nothing: no file handle, page cache or parsed schema on SQLite, no session on PostgreSQL.
/// A database opened again after its pool was closed just opens a new connection.
/// </summary>
internal sealed class IdlePoolSweeper : IDisposable
{
    private readonly TimeSpan _idleTimeout;
    private readonly Action<string> _close;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, long> _lastUse = new(StringComparer.Ordinal);
    private readonly ITimer? _timer;

    /// <summary>Starts sweeping every half timeout (at least every second, at most every 30 s); a timeout of zero or less never sweeps.</summary>
    public IdlePoolSweeper(TimeSpan idleTimeout, Action<string> close, TimeProvider? time = null)
    {
        _idleTimeout = idleTimeout;
        _close = close;
        _time = time ?? TimeProvider.System;
        if (idleTimeout > TimeSpan.Zero)
        {
            var period = TimeSpan.FromTicks(Math.Clamp(idleTimeout.Ticks / 2, TimeSpan.TicksPerSecond, 30 * TimeSpan.TicksPerSecond));
            _timer = _time.CreateTimer(static state => ((IdlePoolSweeper)state!).Sweep(), this, period, period);
        }
    }

    /// <summary>How many databases have an open pool as far as the sweeper knows (for tests and monitoring).</summary>
    public int TrackedCount => _lastUse.Count;

    /// <summary>Records a use of <paramref name="name"/> now.</summary>
    public void Touch(string name) => _lastUse[name] = _time.GetTimestamp();

    /// <summary>Stops tracking a database whose pool was closed for another reason (drop, rename).</summary>
    public void Forget(string name) => _lastUse.TryRemove(name, out _);

    /// <summary>Closes the pools of every database idle for longer than the timeout; returns how many.</summary>
    public int Sweep()
    {
        var closed = 0;
        foreach (var (name, lastUse) in _lastUse)
        {
            if (_time.GetElapsedTime(lastUse) < _idleTimeout)
            {
                continue;
            }

            // Only if nobody touched it since we looked: a database in use keeps its pool.
            if (_lastUse.TryRemove(new KeyValuePair<string, long>(name, lastUse)))
            {
                try
                {
                    _close(name);
                    closed++;
                }
                catch (Exception)
                {
                    // Runs on a timer thread, where nothing may escape. Closing a pool only frees memory: if it fails,
                    // the pool stays as it is and the sweep after the database's next use tries again.
                }
            }
        }

        return closed;
    }

    /// <inheritdoc />
    public void Dispose() => _timer?.Dispose();
}
