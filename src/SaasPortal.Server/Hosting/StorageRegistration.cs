using Microsoft.Extensions.DependencyInjection;
using SaasPortal.Addons.Modules;
using SaasPortal.Storage;
using SaasPortal.Storage.Databases;
using SaasPortal.Storage.Dialects;

namespace SaasPortal.Server.Hosting;

/// <summary>Registers the database server of the configured backend and the database manager.</summary>
internal static class StorageRegistration
{
    public static IServiceCollection AddSaasPortalStorage(this IServiceCollection services, ServeSettings settings)
    {
        var storage = new StorageOptions
        {
            Backend = settings.Backend,
            DataDirectory = settings.DataDirectory,
            PostgresConnectionString = settings.PostgresConnectionString,
        };
        services.AddSingleton(storage);
        services.AddSingleton<IDatabaseServer>(_ => storage.Backend switch
        {
            DatabaseBackend.Postgres => new PostgresDatabaseServer(storage, PostgresDialect.Instance),
            _ => new SqliteDatabaseServer(storage, SqliteDialect.Instance),
        });
        services.AddSingleton<DatabaseManager>();
        // The module system's initializer needs the ORM, whose behaviours need the database manager: resolve it on first use.
        services.AddSingleton<IDatabaseInitializer>(sp => new DeferredDatabaseInitializer(sp.GetRequiredService<AddonDatabaseInitializer>));
        services.AddSingleton<AddonDatabaseInitializer>();
        return services;
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
