using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace SaasPortal.Web.Sso;

/// <summary>Proof Key for Code Exchange (RFC 7636), S256 only: the plain method proves nothing against a code thief.</summary>
public static class Pkce
{
    /// <summary>A fresh verifier: 32 random bytes, base64url (43 characters).</summary>
    public static string NewVerifier() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The S256 challenge of <paramref name="verifier"/>.</summary>
    public static string Challenge(string verifier) => Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    /// <summary>Whether <paramref name="value"/> has the shape of a verifier (43–128 unreserved characters).</summary>
    public static bool IsWellFormedVerifier(string? value) =>
        value is { Length: >= 43 and <= 128 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');

    /// <summary>Whether <paramref name="value"/> has the shape of an S256 challenge (43 base64url characters).</summary>
    public static bool IsWellFormedChallenge(string? value) =>
        value is { Length: 43 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>Whether <paramref name="verifier"/> answers <paramref name="challenge"/>, compared in constant time.</summary>
    public static bool Verify(string? verifier, string challenge) =>
        IsWellFormedVerifier(verifier)
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Challenge(verifier!)), Encoding.ASCII.GetBytes(challenge));
}
