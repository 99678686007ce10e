using System.Globalization;
using SaasPortal.Orm;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Service;
using SaasPortal.Storage.Databases;

namespace SaasPortal.Addons.Modules;

/// <summary>
/// Turns an empty database into a working one, in one transaction: the kernel tables, <c>base</c> (and
/// whatever is asked for, with dependencies), the whole catalogue listed in ir.module.module, the
/// administrator's login and password, the main company's country, and the database's identity parameters.
/// Used by <c>db.create_database</c> and by the portal's first start.
/// </summary>
public sealed class AddonDatabaseInitializer(ModuleSystem modules, OrmService orm) : IDatabaseInitializer
{
    /// <inheritdoc />
    public Task InitializeAsync(DatabaseInitialization request, CancellationToken cancellationToken) =>
        InitializeAsync(request, request.Modules, cancellationToken);

    /// <summary>Initialises the database and installs <paramref name="addons"/> (with dependencies) besides base.</summary>
    public async Task InitializeAsync(DatabaseInitialization request, IReadOnlyCollection<string> addons, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var kernel = modules.RegistryFor([]);
        await orm.RunAsync(request.Name, OrmEnvironment.SuperuserId, write: true, async env =>
        {
            // The kernel tables (ir.module.module among them) must exist before the installer reads module states.
            await SchemaManager.UpdateAsync(env, cancellationToken);
            var result = await modules.Installer.InstallAsync(env, ["base", .. addons], cancellationToken);
            var installed = env.Sudo().WithRegistry(result.Registry);
            await modules.Installer.UpdateListAsync(installed, reload: false, cancellationToken);
            await ConfigureAdministratorAsync(installed, request, cancellationToken);
            await SetIdentityAsync(installed, cancellationToken);
            return true;
        }, cancellationToken, kernel);
    }

    /// <inheritdoc />
    public Task ResetIdentityAsync(string name, CancellationToken cancellationToken) =>
        orm.RunAsync(name, OrmEnvironment.SuperuserId, write: true, async env =>
        {
            await SetIdentityAsync(env.Sudo(), cancellationToken);
            return true;
        }, cancellationToken);

    private static async Task ConfigureAdministratorAsync(OrmEnvironment env, DatabaseInitialization request, CancellationToken cancellationToken)
    {
        var admin = env["res.users"].Browse(OrmEnvironment.SuperuserId);
        await admin.WriteAsync(new Dictionary<string, object?>
        {
            ["login"] = request.Login,
            ["password"] = request.Password,
        }, cancellationToken);
        var partner = env["res.partner"].Browse(await RefAsync(env, "base.partner_root", cancellationToken));
        await partner.WriteAsync(new Dictionary<string, object?> { ["lang"] = request.Lang }, cancellationToken);

        if (request.CountryCode is { Length: > 0 } code)
        {
            var country = await env["res.country"].SearchAsync(
                new List<object?> { new List<object?> { "code", "=", code.ToUpperInvariant() } }, cancellationToken, limit: 1);
            if (country.Count == 0)
            {
                throw new UserErrorException($"Unknown country code '{code}'");
            }

            var company = env["res.partner"].Browse(await RefAsync(env, "base.main_partner", cancellationToken));
            await company.WriteAsync(new Dictionary<string, object?> { ["country_id"] = country.Id }, cancellationToken);
        }
    }

    /// <summary>Odoo's database.uuid and database.create_date, which the portal uses to recognise a tenant.</summary>
    private static async Task SetIdentityAsync(OrmEnvironment env, CancellationToken cancellationToken)
    {
        await env.CallAsync("ir.config_parameter", "set_param", ["database.uuid", Guid.NewGuid().ToString()], null, cancellationToken);
        await env.CallAsync("ir.config_parameter", "set_param",
            ["database.create_date", DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)], null, cancellationToken);
    }

    private static async Task<int> RefAsync(OrmEnvironment env, string xmlId, CancellationToken cancellationToken) =>
        await env.RefAsync(xmlId, cancellationToken) ?? throw new InvalidOperationException($"{xmlId} is missing after installing base");
}
