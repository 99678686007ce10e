using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SaasPortal.Addons.Modules;
using SaasPortal.Orm;
using SaasPortal.Orm.Service;
using SaasPortal.Server.Hosting;
using SaasPortal.Storage.Databases;

namespace SaasPortal.Server.Commands;

/// <summary>
/// What an administration command works with: the services <c>serve</c> builds (storage, ORM, module system, SaaS
/// layer), over the same settings, without the HTTP edge. Commands call model methods here exactly as RPC does,
/// through <see cref="OrmEnvironment.CallAsync"/>, as the superuser: whoever can run this can read the data directory.
/// </summary>
internal sealed class AdminContext : IAsyncDisposable
{
    private readonly IHost _host;

    private AdminContext(IHost host, ServeSettings settings, CommandOutput output)
    {
        _host = host;
        Settings = settings;
        Output = output;
    }

    public ServeSettings Settings { get; }

    public CommandOutput Output { get; }

    public IServiceProvider Services => _host.Services;

    public DatabaseManager Databases => Services.GetRequiredService<DatabaseManager>();

    public OrmService Orm => Services.GetRequiredService<OrmService>();

    public ModuleSystem Modules => Services.GetRequiredService<ModuleSystem>();

    /// <summary>Reads the configuration (appsettings.json, environment, then <paramref name="overrides"/>) and wires the services.</summary>
    public static AdminContext Open(IReadOnlyDictionary<string, string?> overrides, CommandOutput output, bool createDataDirectory)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        builder.Configuration.AddInMemoryCollection(overrides);
        // Standard output belongs to the command's result (scripts parse --json), so logs go to standard error, and
        // only warnings unless Logging:LogLevel says otherwise.
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);

        var settings = ServeSettings.Read(builder.Configuration, listening: false);
        if (!Directory.Exists(settings.DataDirectory))
        {
            if (!createDataDirectory)
            {
                throw CommandException.NotFound(
                    $"The data directory {settings.DataDirectory} does not exist (give --data-dir, or start 'saasportal serve' once to create it).");
            }

            Directory.CreateDirectory(settings.DataDirectory);
        }

        builder.Services.AddSaasPortalStorage(settings);
        builder.Services.AddSaasPortalModelLayer(settings);
        return new AdminContext(builder.Build(), settings, output);
    }

    /// <summary>Fails with "not found" unless the portal database exists: plan and client commands work on it.</summary>
    public async Task EnsurePortalAsync(CancellationToken cancellationToken)
    {
        if (!await Databases.ExistsAsync(Settings.PortalDatabase, cancellationToken))
        {
            throw CommandException.NotFound(
                $"The portal database {Settings.PortalDatabase} does not exist (start 'saasportal serve' once to create it, or give --portal-db).");
        }
    }

    /// <summary>
    /// Runs <c>model.method(*args, **kwargs)</c> as the superuser in one transaction of <paramref name="database"/>,
    /// through the method table RPC uses (overrides, the SaaS layer's methods, access rules of the superuser).
    /// </summary>
    public Task<object?> CallAsync(string database, string model, string method, IReadOnlyList<object?> args,
        IReadOnlyDictionary<string, object?>? kwargs, bool write, CancellationToken cancellationToken) =>
        Orm.RunAsync(database, OrmEnvironment.SuperuserId, write, env => env.CallAsync(model, method, args, kwargs, cancellationToken), cancellationToken);

    /// <summary><c>search_read</c> in <paramref name="database"/>.</summary>
    public async Task<List<Dictionary<string, object?>>> SearchReadAsync(string database, string model, List<object?> domain,
        IReadOnlyList<string> fields, CancellationToken cancellationToken)
    {
        var rows = await CallAsync(database, model, "search_read", [domain],
            new Dictionary<string, object?>(StringComparer.Ordinal) { ["fields"] = fields.ToList<object?>() }, write: false, cancellationToken);
        return rows is IEnumerable<object?> list ? [.. list.OfType<Dictionary<string, object?>>()] : [];
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
        else
        {
            _host.Dispose();
        }
    }
}
