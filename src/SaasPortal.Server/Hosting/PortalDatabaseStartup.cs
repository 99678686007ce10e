using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SaasPortal.Storage.Databases;

namespace SaasPortal.Server.Hosting;

/// <summary>The portal database's name and the admin password it is created with.</summary>
internal sealed record PortalDatabaseSettings
{
    public required string Name { get; init; }

    public required string AdminPassword { get; init; }

    /// <summary>Modules installed into the portal database when it is created (the SaaS layer adds saas_portal here).</summary>
    public IReadOnlyList<string> Modules { get; init; } = [];
}

/// <summary>
/// First start: creates the portal database when it does not exist.
/// HOOK for the SaaS layer: list the portal's own modules (saas_portal) in <see cref="PortalDatabaseSettings.Modules"/>
/// where ServerHost registers it; first-start data beyond that belongs in a hosted service of the SaaS layer
/// registered after this one (hosted services start in registration order).
/// </summary>
internal sealed class PortalDatabaseStartup(
    DatabaseManager databases,
    PortalDatabaseSettings portal,
    ILogger<PortalDatabaseStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await databases.ExistsAsync(portal.Name, cancellationToken))
        {
            return;
        }

        try
        {
            await databases.CreateAsync(new DatabaseInitialization { Name = portal.Name, Password = portal.AdminPassword, Modules = portal.Modules }, cancellationToken);
            logger.LogInformation("Created the portal database {Database}", portal.Name);
        }
        catch (DatabaseExistsException)
        {
            // Another node created it first: exactly what was wanted.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
