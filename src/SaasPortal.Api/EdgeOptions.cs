namespace SaasPortal.Api;

/// <summary>Settings of the HTTP edge, bound from configuration by the host.</summary>
public sealed record EdgeOptions
{
    /// <summary>Default request body limit: 64 MiB, enough for a base64 database dump of a small tenant.</summary>
    public const long DefaultMaxRequestBodyBytes = 64L * 1024 * 1024;

    /// <summary>The data directory: the master password file and the session signing keys live there.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Largest request body accepted; larger ones get HTTP 413.</summary>
    public long MaxRequestBodyBytes { get; init; } = DefaultMaxRequestBodyBytes;

    /// <summary>How long a web session cookie stays valid.</summary>
    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromDays(7);
}
