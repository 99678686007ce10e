namespace SaasPortal.Web;

/// <summary>What the pages need from the host.</summary>
public sealed record WebOptions
{
    /// <summary>The portal database: its users sign in on the portal pages and it holds plans and clients.</summary>
    public required string PortalDatabase { get; init; }

    /// <summary>How long a portal or tenant page session lasts without signing in again.</summary>
    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromHours(8);
}
