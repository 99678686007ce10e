using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SaasPortal.Api;
using SaasPortal.Api.Hosting;
using SaasPortal.Api.Services;
using SaasPortal.Server.Commands;
using SaasPortal.Web;
using SaasPortal.Web.Hosting;
using SaasPortal.Server.Observability;

namespace SaasPortal.Server.Hosting;

/// <summary>Builds and runs the web host for <c>serve</c>: configuration, storage, edge, startup hooks. Wiring only.</summary>
internal static class ServerHost
{
    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string?> commandLine, CancellationToken cancellationToken, bool upgrade = false)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        // Command-line options override appsettings.json and SAASPORTAL__* environment variables.
        builder.Configuration.AddInMemoryCollection(commandLine);

        ServeSettings settings;
        ObservabilitySettings observability;
        MasterPassword masterPassword;
        try
        {
            settings = ServeSettings.Read(builder.Configuration);
            observability = ObservabilitySettings.Read(builder.Configuration);
            Directory.CreateDirectory(settings.DataDirectory);
            masterPassword = await MasterPassword.LoadAsync(settings.DataDirectory, settings.MasterPassword, cancellationToken);
        }
        catch (Exception e) when (e is SettingsException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync("saasportal: " + e.Message);
            return ServerCommandLine.UsageError;
        }

        builder.WebHost.UseUrls([.. settings.Urls]);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = settings.MaxRequestBodyBytes;
        });

        builder.Services.AddSaasPortalStorage(settings);
        builder.Services.AddSaasPortalEdge(new EdgeOptions
        {
            DataDirectory = settings.DataDirectory,
            MaxRequestBodyBytes = settings.MaxRequestBodyBytes,
        }, masterPassword);
        builder.Services.AddSaasPortalModelLayer(settings);
        builder.Services.AddSingleton(new PortalDatabaseSettings
        {
            Name = settings.PortalDatabase,
            AdminPassword = settings.AdminPassword,
            Modules = ["portal", "auth_signup", "saas_portal"],
        });
        builder.Services.AddHostedService<PortalDatabaseStartup>();
        builder.Services.AddPortalBootstrap();
        builder.Services.AddSaasPortalWeb(new WebOptions { PortalDatabase = settings.PortalDatabase });
        builder.AddSaasPortalObservability(settings, observability);

        builder.Services.AddSingleton<PendingUpgrades>();

        await using var app = builder.Build();
        // Tenant resolution by host or /t/<db> runs before routing; the pages map beside the RPC edge.
        app.UseSaasPortalWeb();
        app.MapSaasPortalEdge();
        app.MapSaasPortalWeb();
        app.MapSaasPortalObservability();

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SaasPortal.Server");
        if (masterPassword.Generated)
        {
            // The path, never the password: operators read it from the owner-only file.
            logger.LogWarning("Generated a master password in {File} (readable by its owner only)", masterPassword.FilePath);
        }

        // Pending upgrades run before anything listens or starts, so no request sees a half-upgraded schema.
        if (upgrade && await app.Services.GetRequiredService<PendingUpgrades>().RunAsync(cancellationToken) > 0)
        {
            await Console.Error.WriteLineAsync("saasportal: upgrading some databases failed (see the log); the server did not start.");
            return 1;
        }

        if (settings.PostgresPoolerConnectionString is not null)
        {
            // A wrong PgBouncer would otherwise surface as a stack trace from the first portal connection.
            var storage = app.Services.GetRequiredService<SaasPortal.Storage.StorageOptions>();
            await using var direct = new SaasPortal.Storage.Databases.PostgresDatabaseServer(storage, SaasPortal.Storage.Dialects.PostgresDialect.Instance);
            try
            {
                await direct.CheckPoolerAsync(cancellationToken);
            }
            catch (Npgsql.NpgsqlException e)
            {
                var pooler = new Npgsql.NpgsqlConnectionStringBuilder(settings.PostgresPoolerConnectionString);
                await Console.Error.WriteLineAsync($"saasportal: --pg-pooler: cannot reach PostgreSQL through PgBouncer {pooler.Host}:{pooler.Port}: {e.Message}");
                return 1;
            }
        }

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync("saasportal: cannot listen on " + string.Join(", ", settings.Urls) + ": " + e.Message);
            return 1;
        }

        logger.LogInformation("SaasPortal listening on {Urls} with the {Backend} backend, data in {DataDirectory}",
            string.Join(", ", settings.Urls), settings.Backend, settings.DataDirectory);
        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }
}
