using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace SaasPortal.Orm.Service;

/// <summary>
/// Remembers successful password checks so that RPC calls, which all carry the password, do not each pay for
/// Argon2. An entry holds an HMAC of the password under a key that lives only in this process (never the
/// password, and nothing useful if memory is dumped to disk) and the stored hash the password was checked
/// against: when the password changes anywhere (even on another server), the stored hash differs and the entry
/// is ignored.
/// </summary>
internal sealed class CredentialCache(int capacity)
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<(string Database, int Uid), Entry> _entries = new();

    private sealed record Entry(byte[] Mac, string StoredHash);

    /// <summary>The stored hash a cached check of this password was made against, or null.</summary>
    public string? Find(string database, int uid, string password)
    {
        if (!_entries.TryGetValue((database, uid), out var entry))
        {
            return null;
        }

        return CryptographicOperations.FixedTimeEquals(entry.Mac, Mac(database, uid, password)) ? entry.StoredHash : null;
    }

    public void Remember(string database, int uid, string password, string storedHash)
    {
        if (_entries.Count >= capacity)
        {
            // Crude but bounded: dropping everything only costs one Argon2 check per active user.
            _entries.Clear();
        }

        _entries[(database, uid)] = new Entry(Mac(database, uid, password), storedHash);
    }

    public void Forget(string database, int uid) => _entries.TryRemove((database, uid), out _);

    /// <summary>Forgets every entry of a database (dropped, renamed or restored).</summary>
    public void Forget(string database)
    {
        foreach (var key in _entries.Keys.Where(k => k.Database == database))
        {
            _entries.TryRemove(key, out _);
        }
    }

    private byte[] Mac(string database, int uid, string password) =>
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{database}\0{uid}\0{password}"));
}
