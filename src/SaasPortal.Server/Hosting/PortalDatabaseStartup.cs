using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SaasPortal.Storage.Databases;

namespace SaasPortal.Server.Hosting;

/// <summary>The portal database's name and the admin password it is created with.</summary>
internal sealed record PortalDatabaseSettings
{
    public required string Name { get; init; }

    public required string AdminPassword { get; init; }
}

/// <summary>
/// First start: creates the portal database when it does not exist.
/// HOOK for the SaaS layer: installing the portal's own modules (saas_portal) and its first-start data belongs here,
/// either by listing them in the initialization request once the module system takes a module list, or by
/// registering a hosted service of its own that runs after this one.
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
            await databases.CreateAsync(new DatabaseInitialization { Name = portal.Name, Password = portal.AdminPassword }, cancellationToken);
            logger.LogInformation("Created the portal database {Database}", portal.Name);
        }
        catch (DatabaseExistsException)
        {
            // Another node created it first: exactly what was wanted.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
