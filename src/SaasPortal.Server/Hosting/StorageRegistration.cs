using Microsoft.Extensions.DependencyInjection;
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
        // Until the module system provides its initializer, a created database stays empty.
        services.AddSingleton<IDatabaseInitializer, EmptyDatabaseInitializer>();
        return services;
    }
}

/// <summary>Leaves a new database empty: the stand-in until the module system installs <c>base</c>.</summary>
internal sealed class EmptyDatabaseInitializer : IDatabaseInitializer
{
    public Task InitializeAsync(DatabaseInitialization request, CancellationToken cancellationToken) => Task.CompletedTask;
}
