namespace SaasPortal.Storage.Placement;

/// <summary>
/// A reference to a secret kept outside the portal database: <c>env:NAME</c> (an environment variable of every
/// node) or <c>file:/path</c> (a file of every node, e.g. a mounted secret; trailing newlines ignored). The portal
/// stores the reference, never the secret, so no RPC read, backup or log of the portal can reveal it.
/// </summary>
public static class SecretReference
{
    /// <summary>Whether <paramref name="reference"/> is empty or has a known scheme and a non-empty target.</summary>
    public static bool IsValid(string? reference) =>
        string.IsNullOrEmpty(reference)
        || (reference.StartsWith("env:", StringComparison.Ordinal) && reference.Length > 4)
        || (reference.StartsWith("file:", StringComparison.Ordinal) && reference.Length > 5 && Path.IsPathFullyQualified(reference[5..]));

    /// <summary>The secret, or null for an empty reference. Throws <see cref="InvalidOperationException"/> (naming the reference, not the secret) when it cannot be read.</summary>
    public static string? Resolve(string? reference)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return null;
        }

        if (!IsValid(reference))
        {
            throw new InvalidOperationException($"The secret reference '{reference}' is neither env:NAME nor file:/absolute/path.");
        }

        if (reference.StartsWith("env:", StringComparison.Ordinal))
        {
            return Environment.GetEnvironmentVariable(reference[4..])
                ?? throw new InvalidOperationException($"The environment variable {reference[4..]} named by a server's password reference is not set.");
        }

        try
        {
            return File.ReadAllText(reference[5..]).TrimEnd('\r', '\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"The file {reference[5..]} named by a server's password reference cannot be read: {e.Message}", e);
        }
    }
}
