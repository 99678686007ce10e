using System.CommandLine;
using System.Globalization;

namespace SaasPortal.Server.Commands;

/// <summary><c>saasportal plan …</c>: the portal's plans (<c>saas_portal.plan</c>), read and created through the ORM as RPC does.</summary>
internal static class PlanCommands
{
    private const string Model = "saas_portal.plan";

    private static readonly string[] ListFields = ["id", "name", "state", "template_id", "dbname_template", "max_users", "total_storage_limit", "expiration"];

    private static readonly string[] ShowFields =
    [
        "id", "name", "summary", "state", "template_id", "dbname_template", "server_id", "lang", "tz", "max_users", "total_storage_limit",
        "maximum_allowed_dbs_per_partner", "maximum_allowed_trial_dbs_per_partner", "expiration", "grace_period", "module_ids",
    ];

    public static Command Create()
    {
        var group = new AdminGroup("plan", "Manage the portal's plans: list, show, create.");

        group.Add(new Command("list", "List the plans."), async (_, context, ct) =>
        {
            await context.EnsurePortalAsync(ct);
            var rows = await context.SearchReadAsync(context.Settings.PortalDatabase, Model, [], ListFields, ct);
            await context.Output.TableAsync(rows, ListFields);
        });

        var id = new Argument<int>("id") { Description = "Plan id." };
        group.Add(new Command("show", "Show one plan.") { id }, async (parse, context, ct) =>
        {
            await context.EnsurePortalAsync(ct);
            var planId = parse.GetValue(id);
            var rows = await context.SearchReadAsync(context.Settings.PortalDatabase, Model, [new List<object?> { "id", "=", planId }], ShowFields, ct);
            var plan = rows.Count == 1 ? rows[0] : throw CommandException.NotFound($"Plan {planId} does not exist.");
            await context.Output.RecordAsync(plan, ShowFields);
        });

        var name = new Argument<string>("name") { Description = "Name of the plan." };
        var template = new Option<string>("--template") { Description = "Template database the plan's clients are copied from (default <portal-db>-template)." };
        var dbNames = new Option<string>("--dbname-template") { Description = "Pattern of database names, %i being the plan's counter, e.g. crm-%i.example.com." };
        var maxUsers = new Option<int>("--max-users") { Description = "Internal users per client (0: unlimited)." };
        var storage = new Option<int>("--storage-limit") { Description = "Database plus file storage per client, in MB (0: unlimited)." };
        var trialHours = new Option<int>("--trial-hours") { Description = "Trial length in hours (0: no expiry)." };
        var grace = new Option<int>("--grace-days") { Description = "Days after expiry before an expired trial is deleted." };
        var draft = new Option<bool>("--draft") { Description = "Create the plan as a draft instead of confirmed." };
        group.Add(new Command("create", "Create a plan on a template database.") { name, template, dbNames, maxUsers, storage, trialHours, grace, draft },
            async (parse, context, ct) =>
            {
                await context.EnsurePortalAsync(ct);
                var portal = context.Settings.PortalDatabase;
                var templateName = DbCommands.ValidName(parse.GetValue(template) ?? portal + "-template");
                if (!await context.Databases.ExistsAsync(templateName, ct))
                {
                    throw CommandException.NotFound($"The template database {templateName} does not exist (create it with 'saasportal db create {templateName} --addons saas_client').");
                }

                foreach (var option in new[] { maxUsers, storage, trialHours, grace })
                {
                    if (parse.GetValue(option) < 0)
                    {
                        throw CommandException.Usage($"{option.Name} cannot be negative.");
                    }
                }

                var templateId = await TemplateRecordAsync(context, portal, templateName, ct);
                var values = DbCommands.Row(
                    ("name", parse.GetValue(name)), ("template_id", templateId), ("state", parse.GetValue(draft) ? "draft" : "confirmed"),
                    ("dbname_template", parse.GetValue(dbNames) ?? (object)false), ("max_users", parse.GetValue(maxUsers)),
                    ("total_storage_limit", parse.GetValue(storage)), ("expiration", parse.GetValue(trialHours)), ("grace_period", parse.GetValue(grace)));
                var planId = Convert.ToInt32(await context.CallAsync(portal, Model, "create", [values], null, write: true, ct), CultureInfo.InvariantCulture);
                await context.Output.DoneAsync($"Created plan {planId} ({parse.GetValue(name)}) on template {templateName}.",
                    DbCommands.Row(("id", planId), ("name", parse.GetValue(name)), ("template", templateName)));
            });

        return group.Command;
    }

    /// <summary>The portal's saas_portal.database record of a template, created (state template) when the database has none yet.</summary>
    private static async Task<int> TemplateRecordAsync(AdminContext context, string portal, string templateName, CancellationToken ct)
    {
        var found = await context.SearchReadAsync(portal, "saas_portal.database", [new List<object?> { "name", "=", templateName }], ["id"], ct);
        if (found.Count > 0)
        {
            return (int)found[0]["id"]!;
        }

        var created = await context.CallAsync(portal, "saas_portal.database", "create",
            [DbCommands.Row(("name", templateName), ("state", "template"))], null, write: true, ct);
        return Convert.ToInt32(created, CultureInfo.InvariantCulture);
    }
}
