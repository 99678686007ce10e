using System.CommandLine;
using SaasPortal.Server.Hosting;

namespace SaasPortal.Server.Commands;

/// <summary>
/// The options that are also configuration keys under <c>SaasPortal</c> (appsettings.json, <c>SAASPORTAL__…</c>
/// environment variables). <c>serve</c> and the administration commands share them, so a command works on exactly the
/// data directory or PostgreSQL server the configured server uses.
/// </summary>
internal sealed class SettingsOptions
{
    private readonly List<(Option<string> Option, string Key)> _options;

    private SettingsOptions(List<(Option<string>, string)> options) => _options = options;

    /// <summary>Every option of <c>serve</c>.</summary>
    public static SettingsOptions ForServe() => new(
    [
        (new Option<string>("--urls") { Description = $"URLs to listen on, separated by ';' (default {ServeSettings.DefaultUrls})." }, ServeSettings.Keys.Urls),
        .. Storage(),
        (new Option<string>("--admin-password") { Description = "Admin password of the portal database created on first start (default admin; refused on non-loopback addresses)." }, ServeSettings.Keys.AdminPassword),
        (new Option<string>("--master-password") { Description = "Database manager password (default: generated into <data-dir>/master-password)." }, ServeSettings.Keys.MasterPassword),
        (new Option<string>("--max-request-body-size") { Description = "Largest request body in bytes (default 67108864)." }, ServeSettings.Keys.MaxRequestBodySize),
    ]);

    /// <summary>The options that say where the databases are; recursive, so every subcommand of a group takes them.</summary>
    public static SettingsOptions ForAdministration()
    {
        var options = Storage();
        foreach (var (option, _) in options)
        {
            option.Recursive = true;
        }

        return new SettingsOptions(options);
    }

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var (option, _) in _options)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The configuration entries given on the command line, to be layered over the other sources.</summary>
    public Dictionary<string, string?> Overrides(ParseResult parseResult)
    {
        var overrides = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (option, key) in _options)
        {
            if (parseResult.GetResult(option) is { Implicit: false } && parseResult.GetValue(option) is { } value)
            {
                overrides[ServeSettings.Section + ":" + key] = value;
            }
        }

        return overrides;
    }

    private static List<(Option<string>, string)> Storage() =>
    [
        (new Option<string>("--data-dir") { Description = "Data directory: databases, file store, keys, master password (default ./data)." }, ServeSettings.Keys.DataDir),
        (new Option<string>("--db-backend") { Description = "Where databases live: sqlite (default) or postgres." }, ServeSettings.Keys.DbBackend),
        (new Option<string>("--pg") { Description = "Npgsql connection string of the PostgreSQL server (with --db-backend postgres)." }, ServeSettings.Keys.Pg),
        (new Option<string>("--pg-pooler") { Description = "Npgsql connection string of a PgBouncer in transaction mode in front of --pg; tenant and portal connections go through it (docs/pgbouncer.md)." }, ServeSettings.Keys.PgPooler),
        (new Option<string>("--portal-db") { Description = "Name of the portal database (default portal)." }, ServeSettings.Keys.PortalDb),
        (new Option<string>("--addons-path") { Description = "Extra addon folders, separated by ';' or ',', searched after the built-in addons." }, ServeSettings.Keys.AddonsPath),
    ];
}
