using System.CommandLine;
using SaasPortal.Server.Hosting;

namespace SaasPortal.Server.Commands;

/// <summary>
/// <c>saasportal serve</c>: runs the HTTP server. Every option is also a configuration key under <c>SaasPortal</c>
/// (appsettings.json, or environment variables such as <c>SAASPORTAL__DATADIR</c>); the command line wins.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var options = new (Option<string> Option, string Key)[]
        {
            (new Option<string>("--urls") { Description = $"URLs to listen on, separated by ';' (default {ServeSettings.DefaultUrls})." }, ServeSettings.Keys.Urls),
            (new Option<string>("--data-dir") { Description = "Data directory: databases, file store, keys, master password (default ./data)." }, ServeSettings.Keys.DataDir),
            (new Option<string>("--admin-password") { Description = "Admin password of the portal database created on first start (default admin; refused on non-loopback addresses)." }, ServeSettings.Keys.AdminPassword),
            (new Option<string>("--master-password") { Description = "Database manager password (default: generated into <data-dir>/master-password)." }, ServeSettings.Keys.MasterPassword),
            (new Option<string>("--db-backend") { Description = "Where databases live: sqlite (default) or postgres." }, ServeSettings.Keys.DbBackend),
            (new Option<string>("--pg") { Description = "Npgsql connection string of the PostgreSQL server (with --db-backend postgres)." }, ServeSettings.Keys.Pg),
            (new Option<string>("--portal-db") { Description = "Name of the portal database (default portal)." }, ServeSettings.Keys.PortalDb),
            (new Option<string>("--max-request-body-size") { Description = "Largest request body in bytes (default 67108864)." }, ServeSettings.Keys.MaxRequestBodySize),
            (new Option<string>("--addons-path") { Description = "Extra addon folders, separated by ';' or ',', searched after the built-in addons." }, ServeSettings.Keys.AddonsPath),
        };

        var command = new Command("serve", "Run the HTTP server (XML-RPC, JSON-RPC and web-session routes).");
        foreach (var (option, _) in options)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var overrides = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var (option, key) in options)
            {
                if (parseResult.GetResult(option) is { Implicit: false } && parseResult.GetValue(option) is { } value)
                {
                    overrides[ServeSettings.Section + ":" + key] = value;
                }
            }

            return await ServerHost.RunAsync(overrides, cancellationToken);
        });
        return command;
    }
}
