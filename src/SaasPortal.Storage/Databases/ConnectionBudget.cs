namespace SaasPortal.Storage.Databases;

/// <summary>
/// One cap on the connections of many per-database pools, busy and idle together. Every physical connection holds
/// a slot from the moment it is opened until its pool is cleared; a connection given back stays idle in its
/// database's pool and keeps its slot, so that the next call on that database reuses it. When every slot is held,
/// the idle connections of the database given back to least recently are closed to make room, and a caller waits
/// only when every connection is busy.
/// </summary>
/// <remarks>
/// The count may be above the real number of connections (a pool dropped a broken or expired connection on its own)
/// but never below it, so the cap holds; clearing a pool brings the count back to the truth.
/// </remarks>
internal sealed class ConnectionBudget(int capacity)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Idle> _idle = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _changed = new(0);
    private int _held;
    private long _clock;

    private sealed class Idle
    {
        public int Count;
        public long ReturnedAt;
    }

    /// <summary>The cap.</summary>
    public int Capacity => capacity;

    /// <summary>Slots held now: busy connections and idle ones in pools.</summary>
    public int Held
    {
        get
        {
            lock (_lock)
            {
                return _held;
            }
        }
    }

    /// <summary>
    /// Waits until a connection to <paramref name="database"/> may be opened: one of its idle connections will be
    /// reused, or a slot is free, or another database's idle connections were closed with <paramref name="clearPool"/>
    /// to free one. Throws <see cref="TimeoutException"/> when every connection stays busy for <paramref name="timeout"/>.
    /// </summary>
    public async Task AcquireAsync(string database, Action<string> clearPool, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            string? victim = null;
            lock (_lock)
            {
                if (_idle.TryGetValue(database, out var own) && own.Count > 0)
                {
                    if (--own.Count == 0)
                    {
                        _idle.Remove(database);
                    }

                    return;
                }

                if (_held < capacity)
                {
                    _held++;
                    return;
                }

                foreach (var (name, idle) in _idle)
                {
                    if (victim is null || idle.ReturnedAt < _idle[victim].ReturnedAt)
                    {
                        victim = name;
                    }
                }

                if (victim is not null)
                {
                    // The victim's idle slots are freed and one of them is ours.
                    _held -= _idle[victim].Count;
                    _idle.Remove(victim);
                    _held++;
                }
            }

            if (victim is not null)
            {
                clearPool(victim);
                return;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _changed.WaitAsync(left, cancellationToken))
            {
                throw new TimeoutException(
                    $"All {capacity} database connections of this server are busy (waited {timeout.TotalSeconds:0.#} s); raise MaxConnections or retry later.");
            }
        }
    }

    /// <summary>Gives back a slot taken by <see cref="AcquireAsync"/> whose connection could not be opened.</summary>
    public void Cancel()
    {
        lock (_lock)
        {
            _held--;
        }

        _changed.Release();
    }

    /// <summary>A connection of <paramref name="database"/> was closed by its user and now sits idle in the pool.</summary>
    public void Returned(string database)
    {
        lock (_lock)
        {
            if (!_idle.TryGetValue(database, out var idle))
            {
                _idle[database] = idle = new Idle();
            }

            idle.Count++;
            idle.ReturnedAt = ++_clock;
        }

        _changed.Release();
    }

    /// <summary>The pool of <paramref name="database"/> was cleared: its idle connections are closed and free their slots.</summary>
    public void Cleared(string database)
    {
        lock (_lock)
        {
            if (_idle.Remove(database, out var idle))
            {
                _held -= idle.Count;
            }
        }

        _changed.Release();
    }
}
