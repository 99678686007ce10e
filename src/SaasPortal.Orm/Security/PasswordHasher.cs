using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;
using ManagedArgon2id = Konscious.Security.Cryptography.Argon2id;

namespace SaasPortal.Orm.Security;

/// <summary>
/// Argon2id parameters. The default follows OWASP's minimum for Argon2id (19 MiB, 2 passes, 1 lane): on a
/// 2-core server one check costs tens of milliseconds and 19 MiB, so a burst of logins cannot exhaust memory,
/// while an offline attacker pays the same memory per guess. Verified credentials are cached per process, so
/// RPC calls do not pay it again.
/// </summary>
public sealed record PasswordHashingOptions
{
    /// <summary>The production parameters.</summary>
    public static PasswordHashingOptions Default { get; } = new();

    /// <summary>Memory per hash in KiB.</summary>
    public int MemoryKib { get; init; } = 19 * 1024;

    /// <summary>Passes over the memory.</summary>
    public int Iterations { get; init; } = 2;

    /// <summary>Lanes.</summary>
    public int Parallelism { get; init; } = 1;
}

/// <summary>
/// Hashes passwords with Argon2id and a random salt per password, encoded in the PHC string format
/// (<c>$argon2id$v=19$m=19456,t=2,p=1$salt$hash</c>) so each hash carries its own parameters and old hashes stay
/// verifiable when the defaults change.
/// </summary>
public static class PasswordHasher
{
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private const string Prefix = "$argon2id$v=19$";

    /// <summary>Hashes <paramref name="password"/> with <paramref name="options"/>.</summary>
    public static async Task<string> HashAsync(string password, PasswordHashingOptions options)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = await ComputeAsync(password, salt, options.MemoryKib, options.Iterations, options.Parallelism, HashBytes);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Prefix}m={options.MemoryKib},t={options.Iterations},p={options.Parallelism}${Encode(salt)}${Encode(hash)}");
    }

    /// <summary>Whether <paramref name="password"/> matches <paramref name="encoded"/>; false for any malformed hash.</summary>
    public static async Task<bool> VerifyAsync(string password, string? encoded)
    {
        if (string.IsNullOrEmpty(encoded) || !encoded.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = encoded[Prefix.Length..].Split('$');
        if (parts.Length != 3)
        {
            return false;
        }

        int? memory = null, iterations = null, parallelism = null;
        foreach (var setting in parts[0].Split(','))
        {
            var pair = setting.Split('=');
            if (pair.Length != 2 || !int.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0)
            {
                return false;
            }

            switch (pair[0])
            {
                case "m": memory = value; break;
                case "t": iterations = value; break;
                case "p": parallelism = value; break;
                default: return false;
            }
        }

        // Refuse absurd parameters a tampered row could carry (a 4 GiB hash would take the server down).
        if (memory is not { } m || iterations is not { } t || parallelism is not { } p || m > 1024 * 1024 || t > 100 || p > 16 || m < 8 * p)
        {
            return false;
        }

        byte[] salt, expected;
        try
        {
            salt = Decode(parts[1]);
            expected = Decode(parts[2]);
        }
        catch (FormatException)
        {
            return false;
        }

        if (expected.Length is < 16 or > 64)
        {
            return false;
        }

        var actual = await ComputeAsync(password, salt, m, t, p, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static Task<byte[]> ComputeAsync(string password, byte[] salt, int memoryKib, int iterations, int parallelism, int length)
    {
        // Argon2 is CPU-bound and synchronous underneath; run it off the request thread.
        return Task.Run(() =>
        {
            var bytes = Encoding.UTF8.GetBytes(password);
            if (NativeSupports(salt, memoryKib, iterations, parallelism, length))
            {
                // libsodium (through NSec) computes the same Argon2id bytes several times faster than the managed
                // implementation (measured ~5x at 19 MiB), which is what a login or a new user waits for.
                var algorithm = PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters
                {
                    DegreeOfParallelism = 1,
                    MemorySize = memoryKib,
                    NumberOfPasses = iterations,
                });
                return algorithm.DeriveBytes(bytes, salt, length);
            }

            // Hashes libsodium cannot compute (several lanes, other salt sizes) stay verifiable.
            using var argon = new ManagedArgon2id(bytes)
            {
                Salt = salt,
                MemorySize = memoryKib,
                Iterations = iterations,
                DegreeOfParallelism = parallelism,
            };
            return argon.GetBytes(length);
        });
    }

    /// <summary>libsodium's Argon2id: one lane, 16-byte salts, at least 8 KiB, one pass and 16 output bytes.</summary>
    private static bool NativeSupports(byte[] salt, int memoryKib, int iterations, int parallelism, int length) =>
        parallelism == 1 && salt.Length == SaltBytes && memoryKib >= 8 && iterations >= 1 && length >= 16;

    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static byte[] Decode(string text) => Convert.FromBase64String(text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '='));
}
