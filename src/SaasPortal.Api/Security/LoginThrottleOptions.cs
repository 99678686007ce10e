namespace SaasPortal.Api.Security;

/// <summary>
/// Limits of <see cref="LoginThrottle"/>, bound from <c>SaasPortal:LoginThrottle</c> (docs/configuration.md).
/// </summary>
public sealed record LoginThrottleOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "SaasPortal:LoginThrottle";

    /// <summary>Failed attempts in a row a (database, login, address) may make before it has to wait.</summary>
    public int FreeFailures { get; init; } = 10;

    /// <summary>The first wait; each further failure doubles it.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Failures older than this (counted from the last one) are forgotten.</summary>
    public TimeSpan ForgetAfter { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How many (database, login, address) triples are remembered at most; bounds the limiter's memory.</summary>
    public int MaxTracked { get; init; } = 100_000;

    /// <summary>Why the settings cannot work, or null.</summary>
    public string? Problem() =>
        FreeFailures < 0 ? "FreeFailures must be 0 or more"
        : BaseDelay <= TimeSpan.Zero ? "BaseDelay must be positive"
        : MaxDelay < BaseDelay ? "MaxDelay must be at least BaseDelay"
        : ForgetAfter <= TimeSpan.Zero ? "ForgetAfter must be positive"
        : MaxTracked < 1 ? "MaxTracked must be at least 1"
        : null;
}
