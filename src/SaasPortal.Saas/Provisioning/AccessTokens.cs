using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace SaasPortal.Saas.Provisioning;

/// <summary>A token that opens one tenant for one portal user until it expires.</summary>
public sealed record AccessTokenClaims(string Database, string ClientId, int PortalUserId, DateTimeOffset ExpiresAt);

/// <summary>
/// Signed one-hour access tokens bound to a single tenant (its client_id), as the original portal's OAuth tokens
/// were, without their holes: the tenant is part of what is signed, so a token for one tenant is refused by every
/// other. HMAC-SHA256 under a secret kept in the portal database (so every node agrees); nothing is stored per token.
/// </summary>
public sealed class AccessTokens(TimeProvider time)
{
    /// <summary>How long a token opens its tenant.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>Issues a token for <paramref name="portalUserId"/> to open <paramref name="database"/>.</summary>
    public string Issue(byte[] secret, string database, string clientId, int portalUserId)
    {
        var claims = new AccessTokenClaims(database, clientId, portalUserId, time.GetUtcNow() + Lifetime);
        var payload = JsonSerializer.SerializeToUtf8Bytes(claims);
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(HMACSHA256.HashData(Checked(secret), payload));
    }

    /// <summary>The claims of a valid, unexpired token for <paramref name="clientId"/>; null for anything else.</summary>
    public AccessTokenClaims? Validate(byte[] secret, string? token, string clientId)
    {
        var dot = token?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (token is null || dot <= 0)
        {
            return null;
        }

        try
        {
            var payload = Base64Url.DecodeFromChars(token.AsSpan(0, dot));
            var signature = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
            if (!CryptographicOperations.FixedTimeEquals(signature, HMACSHA256.HashData(Checked(secret), payload)))
            {
                return null;
            }

            var claims = JsonSerializer.Deserialize<AccessTokenClaims>(payload);
            return claims is not null && string.Equals(claims.ClientId, clientId, StringComparison.Ordinal) && claims.ExpiresAt > time.GetUtcNow()
                ? claims
                : null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    /// <summary>A fresh random secret, for a portal's first start.</summary>
    public static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The secret's bytes as stored by <see cref="NewSecret"/>.</summary>
    public static byte[] SecretBytes(string stored) => Checked(Convert.FromBase64String(stored));

    private static byte[] Checked(byte[] secret) =>
        secret.Length >= 32 ? secret : throw new ArgumentException("The token secret must be at least 32 bytes.", nameof(secret));
}
