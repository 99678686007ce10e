using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SaasPortal.Saas.Cluster;
using SaasPortal.Addons.Modules;
using SaasPortal.Storage;
using SaasPortal.Storage.Databases;
using SaasPortal.Storage.Dialects;
using SaasPortal.Storage.Placement;

namespace SaasPortal.Server.Hosting;

/// <summary>Registers the database server of the configured backend and the database manager.</summary>
internal static class StorageRegistration
{
    public static IServiceCollection AddSaasPortalStorage(this IServiceCollection services, ServeSettings settings)
    {
        services.AddSingleton(sp => ReadStorageOptions(settings, sp.GetService<IConfiguration>()));
        services.AddSingleton<IDatabaseServer>(sp =>
        {
            var storage = sp.GetRequiredService<StorageOptions>();
            return storage.Backend switch
            {
                DatabaseBackend.Postgres => Placed(sp, storage, settings.PortalDatabase),
                _ => new SqliteDatabaseServer(storage, SqliteDialect.Instance),
            };
        });
        services.AddSingleton<DatabaseManager>();
        // The module system's initializer needs the ORM, whose behaviours need the database manager: resolve it on first use.
        services.AddSingleton<IDatabaseInitializer>(sp => new DeferredDatabaseInitializer(sp.GetRequiredService<AddonDatabaseInitializer>));
        services.AddSingleton<AddonDatabaseInitializer>();
        return services;
    }

    /// <summary>
    /// On PostgreSQL, the installation's server behind the placement router: tenants the portal placed on other
    /// <c>saas_portal.server</c> records are opened there, everything else here (with no other server, as before).
    /// </summary>
    private static PlacedDatabaseServer Placed(IServiceProvider services, StorageOptions storage, string portalDatabase)
    {
        var home = new PostgresDatabaseServer(storage, PostgresDialect.Instance);
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger<PortalPlacementSource>() ?? NullLogger<PortalPlacementSource>.Instance;
        // The map is read on a server object (and pool) of its own: a reload happens inside calls that already hold
        // portal connections, and twenty of them at once would otherwise wait for a connection none of them returns.
        var portalReader = new PostgresDatabaseServer(storage with { MaxPoolSizePerDatabase = 2, MaxConnections = 2 }, PostgresDialect.Instance);
        var source = new PortalPlacementSource(portalReader, portalDatabase, logger);
        return new PlacedDatabaseServer(home, new TenantPlacement(source),
            endpoint => new PostgresDatabaseServer(
                storage with { PostgresConnectionString = endpoint.ConnectionString, PostgresPoolerConnectionString = endpoint.PoolerConnectionString },
                PostgresDialect.Instance));
    }

    /// <summary>
    /// The storage settings: the serve settings plus the pool limits, read from configuration only
    /// (<c>SaasPortal:PgMaxConnections</c>, <c>SaasPortal:IdlePoolSeconds</c>, <c>SaasPortal:SqliteCacheSizeKib</c>).
    /// </summary>
    private static StorageOptions ReadStorageOptions(ServeSettings settings, IConfiguration? configuration)
    {
        var defaults = new StorageOptions { Backend = settings.Backend, DataDirectory = settings.DataDirectory };
        int Read(string key, int fallback, int minimum)
        {
            if (configuration?[$"{ServeSettings.Section}:{key}"] is not { Length: > 0 } text)
            {
                return fallback;
            }

            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= minimum
                ? value
                : throw new SettingsException($"{ServeSettings.Section}:{key} must be a whole number of at least {minimum}, not '{text}'.");
        }

        return defaults with
        {
            PostgresConnectionString = settings.PostgresConnectionString,
            PostgresPoolerConnectionString = settings.PostgresPoolerConnectionString,
            MaxConnections = Read("PgMaxConnections", defaults.MaxConnections, 1),
            IdlePoolTimeout = TimeSpan.FromSeconds(Read("IdlePoolSeconds", (int)defaults.IdlePoolTimeout.TotalSeconds, 0)),
            SqliteCacheSizeKib = Read("SqliteCacheSizeKib", defaults.SqliteCacheSizeKib, 64),
        };
    }
}

/// <summary>The module system's initializer, resolved when a database is first created.</summary>
internal sealed class DeferredDatabaseInitializer(Func<IDatabaseInitializer> initializer) : IDatabaseInitializer
{
    public Task InitializeAsync(DatabaseInitialization request, CancellationToken cancellationToken) =>
        initializer().InitializeAsync(request, cancellationToken);

    public Task ResetIdentityAsync(string name, CancellationToken cancellationToken) =>
        initializer().ResetIdentityAsync(name, cancellationToken);
}
