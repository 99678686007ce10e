using System.CommandLine;
using System.Globalization;
using SaasPortal.Saas;

namespace SaasPortal.Server.Commands;

/// <summary>
/// <c>saasportal client …</c>: the portal's clients (<c>saas_portal.client</c>). Changes go through the portal's own
/// methods (<c>upgrade</c>, <c>delete_database</c>), so the tenant and its client record change together as over RPC.
/// </summary>
internal static class ClientCommands
{
    private const string Model = "saas_portal.client";

    private static readonly string[] ListFields = ["id", "name", "state", "plan_id", "partner_id", "suspended", "expiration_datetime", "users_len"];

    private static readonly string[] ShowFields =
    [
        "id", "name", "client_id", "state", "plan_id", "partner_id", "server_id", "trial", "expiration_datetime", "expired", "suspended",
        "max_users", "total_storage_limit", "users_len", "db_storage", "file_storage", "last_sync", "staging_of_id",
    ];

    public static Command Create()
    {
        var group = new AdminGroup("client", "Manage the portal's clients (tenant databases): list, show, suspend, resume, limits, addons, staging copies, delete.");

        var all = new Option<bool>("--all") { Description = "Include deleted clients." };
        group.Add(new Command("list", "List the clients.") { all }, async (parse, context, ct) =>
        {
            await context.EnsurePortalAsync(ct);
            var domain = parse.GetValue(all) ? new List<object?>() : [new List<object?> { "state", "!=", "deleted" }];
            var rows = await context.SearchReadAsync(context.Settings.PortalDatabase, Model, domain, ListFields, ct);
            await context.Output.TableAsync(rows, ListFields);
        });

        var show = ClientArgument();
        group.Add(new Command("show", "Show one client.") { show }, async (parse, context, ct) =>
        {
            var client = await FindAsync(context, parse.GetValue(show)!, ct);
            await context.Output.RecordAsync(client, ShowFields);
        });

        var suspend = ClientArgument();
        group.Add(new Command("suspend", "Suspend a client: every user but the superuser is refused until it is resumed.") { suspend },
            (parse, context, ct) => SetParametersAsync(context, parse.GetValue(suspend)!, [(SaasParameters.Suspended, "1")], "Suspended", ct));

        var resume = ClientArgument();
        group.Add(new Command("resume", "Resume a suspended client.") { resume },
            (parse, context, ct) => SetParametersAsync(context, parse.GetValue(resume)!, [(SaasParameters.Suspended, "0")], "Resumed", ct));

        var limited = ClientArgument();
        var maxUsers = new Option<int?>("--max-users") { Description = "Internal users allowed (0: unlimited)." };
        var storage = new Option<int?>("--storage-limit") { Description = "Database plus file storage allowed, in MB (0: unlimited)." };
        var expires = new Option<string>("--expires") { Description = "Expiration, 'yyyy-MM-dd HH:mm:ss' UTC, or 'never'." };
        group.Add(new Command("limits", "Show a client's limits, or change them with the options.") { limited, maxUsers, storage, expires },
            async (parse, context, ct) =>
            {
                var changes = new List<(string, string)>();
                foreach (var (option, key) in new[] { (maxUsers, SaasParameters.MaxUsers), (storage, SaasParameters.TotalStorageLimit) })
                {
                    if (parse.GetValue(option) is { } value)
                    {
                        changes.Add(value >= 0 ? (key, value.ToString(CultureInfo.InvariantCulture)) : throw CommandException.Usage($"{option.Name} cannot be negative."));
                    }
                }

                if (parse.GetValue(expires) is { } expiry)
                {
                    changes.Add((SaasParameters.ExpirationDatetime, ParseExpiry(expiry)));
                }

                if (changes.Count > 0)
                {
                    await SetParametersAsync(context, parse.GetValue(limited)!, changes, "Changed the limits of", ct);
                    return;
                }

                var client = await FindAsync(context, parse.GetValue(limited)!, ct);
                await context.Output.RecordAsync(client, ["name", "max_users", "total_storage_limit", "expiration_datetime", "users_len", "db_storage", "file_storage"]);
            });

        var installIn = ClientArgument();
        var installAddons = AddonsArgument("Addons to install (with their dependencies).");
        group.Add(new Command("install", "Install addons in a client's database.") { installIn, installAddons },
            (parse, context, ct) => UpgradeAsync(context, parse.GetValue(installIn)!, "install_addons", parse.GetValue(installAddons)!, ct));

        var uninstallIn = ClientArgument();
        var uninstallAddons = AddonsArgument("Addons to uninstall (with the addons that depend on them).");
        group.Add(new Command("uninstall", "Uninstall addons from a client's database.") { uninstallIn, uninstallAddons },
            (parse, context, ct) => UpgradeAsync(context, parse.GetValue(uninstallIn)!, "uninstall_addons", parse.GetValue(uninstallAddons)!, ct));

        ServerCommands.AddClientMove(group, FindAsync);

        var deleted = ClientArgument();
        group.Add(new Command("delete", "Drop a client's database and mark the client deleted.") { deleted }, async (parse, context, ct) =>
        {
            var client = await FindAsync(context, parse.GetValue(deleted)!, ct);
            await context.CallAsync(context.Settings.PortalDatabase, Model, "delete_database", [new List<object?> { client["id"] }], null, write: true, ct);
            await context.Output.DoneAsync($"Deleted client {client["id"]} and its database {client["name"]}.",
                DbCommands.Row(("id", client["id"]), ("name", client["name"]), ("state", "deleted")));
        });

        var staged = ClientArgument();
        var stagingName = new Option<string>("--name") { Description = "Database name of the copy (default: <name>-staging, then -staging2…)." };
        var stagingDays = new Option<int>("--expiry-days") { Description = "Days until the copy is deleted.", DefaultValueFactory = _ => 15 };
        group.Add(new Command("staging", "Copy a client into a staging database: mail and scheduled actions off, deleted at its expiry.") { staged, stagingName, stagingDays },
            async (parse, context, ct) =>
            {
                var client = await FindAsync(context, parse.GetValue(staged)!, ct);
                var kwargs = new Dictionary<string, object?>(StringComparer.Ordinal) { ["expiry_days"] = parse.GetValue(stagingDays) };
                if (parse.GetValue(stagingName) is { Length: > 0 } name)
                {
                    kwargs["name"] = name;
                }

                var copy = (IReadOnlyDictionary<string, object?>)(await context.CallAsync(context.Settings.PortalDatabase, Model, "create_staging",
                    [new List<object?> { client["id"] }], kwargs, write: true, ct))!;
                await context.Output.DoneAsync(
                    $"Created staging copy {copy["name"]} (client {copy["id"]}) of {client["name"]}; it is deleted on {copy["expiration_datetime"]} UTC.",
                    DbCommands.Row(("id", copy["id"]), ("name", copy["name"]), ("staging_of_id", client["id"]), ("expiration_datetime", copy["expiration_datetime"])));
            });

        return group.Command;
    }

    private static Argument<string> ClientArgument() => new("client") { Description = "Client id, or its database name." };

    private static Argument<string[]> AddonsArgument(string description) => new("addons") { Description = description, Arity = ArgumentArity.OneOrMore };

    /// <summary>A live client (not deleted) by id or database name, with <see cref="ShowFields"/>.</summary>
    private static async Task<Dictionary<string, object?>> FindAsync(AdminContext context, string client, CancellationToken ct)
    {
        await context.EnsurePortalAsync(ct);
        List<object?> term = int.TryParse(client, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? ["id", "=", id]
            : ["name", "=", client];
        var rows = await context.SearchReadAsync(context.Settings.PortalDatabase, Model, [term, new List<object?> { "state", "!=", "deleted" }], ShowFields, ct);
        return rows.Count == 1 ? rows[0] : throw CommandException.NotFound($"Client {client} does not exist (or was deleted).");
    }

    private static Task SetParametersAsync(AdminContext context, string client, IReadOnlyList<(string Key, string Value)> parameters, string verb,
        CancellationToken ct)
    {
        var entries = parameters.Select(p => (object?)DbCommands.Row(("key", p.Key), ("value", p.Value), ("hidden", true))).ToList();
        return RunUpgradeAsync(context, client, DbCommands.Row(("params", entries)), verb, ct);
    }

    private static Task UpgradeAsync(AdminContext context, string client, string operation, string[] addons, CancellationToken ct) =>
        RunUpgradeAsync(context, client, DbCommands.Row((operation, addons.ToList<object?>())), "Upgraded", ct);

    /// <summary><c>saas_portal.client.upgrade([id], payload)</c>, then the client as it is afterwards.</summary>
    private static async Task RunUpgradeAsync(AdminContext context, string client, Dictionary<string, object?> payload, string verb, CancellationToken ct)
    {
        var found = await FindAsync(context, client, ct);
        var report = await context.CallAsync(context.Settings.PortalDatabase, Model, "upgrade", [new List<object?> { found["id"] }, payload], null, write: true, ct);
        var after = await FindAsync(context, client, ct);
        var name = (string)after["name"]!;
        var details = report is IReadOnlyDictionary<string, object?> perDatabase && perDatabase.GetValueOrDefault(name) is IReadOnlyDictionary<string, object?> steps
            ? string.Join("; ", steps.Select(s => $"{s.Key}: {CommandOutput.Text(s.Value)}"))
            : "";
        await context.Output.DoneAsync($"{verb} client {after["id"]} ({name}). {details}".TrimEnd(),
            DbCommands.Row(("client", after), ("report", report)));
    }

    private static string ParseExpiry(string text)
    {
        if (text is "never")
        {
            return "";
        }

        return DateTime.TryParseExact(text, ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd"], CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? parsed.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
            : throw CommandException.Usage($"--expires: '{text}' is not 'yyyy-MM-dd HH:mm:ss' (UTC), 'yyyy-MM-dd' or 'never'.");
    }
}
