using Microsoft.Extensions.Logging;
using SaasPortal.Orm;
using SaasPortal.Orm.Service;
using SaasPortal.Storage.Databases;

namespace SaasPortal.Saas.Portal;

/// <summary>What the portal's first start sets up.</summary>
public sealed record PortalBootstrapSettings
{
    /// <summary>The portal database.</summary>
    public required string PortalDatabase { get; init; }

    /// <summary>The administrator password, also the superuser password of the default plan's template.</summary>
    public required string AdminPassword { get; init; }

    /// <summary>The portal's public base URL (Odoo's web.base.url), from which tenant URLs are derived.</summary>
    public required string BaseUrl { get; init; }

    /// <summary>Name of the default plan's template database (the host names it after the portal).</summary>
    public required string TemplateDatabase { get; init; }

    /// <summary>The default plan's "DB Names" pattern; *.localhost resolves to this machine in browsers.</summary>
    public string DatabaseNamePattern { get; init; } = "client-%i.localhost";

    /// <summary>Addons of the default plan's template besides saas_client.</summary>
    public IReadOnlyList<string> TemplateModules { get; init; } = ["access_apps"];
}

/// <summary>
/// First start of the portal, after its database exists: the token secret, the base URL, and a ready plan (id 1)
/// whose template database exists, so that the specification's <c>plan_id = 1</c> works at once. Idempotent: every
/// step checks what is there, so a start interrupted half-way completes on the next one.
/// </summary>
public sealed class PortalBootstrapper(OrmService orm, DatabaseManager databases, ILogger<PortalBootstrapper> logger)
{
    /// <summary>Brings the portal to its first-start state.</summary>
    public async Task EnsureAsync(PortalBootstrapSettings settings, CancellationToken cancellationToken)
    {
        var hasPlan = await orm.RunAsync(settings.PortalDatabase, OrmEnvironment.SuperuserId, write: true, async env =>
        {
            await PortalSecret.EnsureAsync(env, cancellationToken);
            await ConfigParameters.SetAsync(env, "web.base.url", settings.BaseUrl, hidden: false, cancellationToken);
            return await env["saas_portal.plan"].SearchCountAsync(new List<object?>(), cancellationToken) > 0;
        }, cancellationToken);
        if (hasPlan)
        {
            return;
        }

        if (!await databases.ExistsAsync(settings.TemplateDatabase, cancellationToken))
        {
            try
            {
                await databases.CreateAsync(new DatabaseInitialization
                {
                    Name = settings.TemplateDatabase,
                    Password = settings.AdminPassword,
                    Modules = ["saas_client", .. settings.TemplateModules],
                }, cancellationToken);
                logger.LogInformation("Created the default plan's template database {Database}", settings.TemplateDatabase);
            }
            catch (DatabaseExistsException)
            {
                // Another node is creating it at the same time; the plan below refers to it by name.
            }
        }

        await orm.RunAsync(settings.PortalDatabase, OrmEnvironment.SuperuserId, write: true, async env =>
        {
            var plans = env["saas_portal.plan"];
            if (await plans.SearchCountAsync(new List<object?>(), cancellationToken) > 0)
            {
                return 0;
            }

            var server = await env.RefAsync("saas_portal.server_local", cancellationToken);
            var template = await env["saas_portal.database"].CreateAsync(Wire.Values(
                ("name", settings.TemplateDatabase), ("state", "template"), ("server_id", server ?? (object)false)), cancellationToken);
            var plan = await plans.CreateAsync(Wire.Values(
                ("name", "Default"), ("summary", "A business database with contacts, ready for sales and fleet addons"),
                ("template_id", template.Id), ("state", "confirmed"), ("dbname_template", settings.DatabaseNamePattern),
                ("server_id", server ?? (object)false)), cancellationToken);
            logger.LogInformation("Created the default plan {Plan} on template {Database}", plan.Id, settings.TemplateDatabase);
            return plan.Id;
        }, cancellationToken);
    }
}
