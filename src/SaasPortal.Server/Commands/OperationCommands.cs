using System.CommandLine;

namespace SaasPortal.Server.Commands;

/// <summary>
/// <c>saasportal operations …</c>: the portal's record of long operations on client databases
/// (<c>saas_portal.operation</c>): which creations, upgrades and backups finished, and which failed or were cut short
/// by a crash, with what the crash recovery found and cleaned up (docs/security.md, section 5).
/// </summary>
internal static class OperationCommands
{
    private const string Model = "saas_portal.operation";

    private static readonly string[] ListFields = ["id", "name", "database", "state", "started", "finished", "steps", "error"];

    public static Command Create()
    {
        var group = new AdminGroup("operations", "The portal's record of client database operations (creations, upgrades, backups) and their failures.");
        var failed = new Option<bool>("--failed") { Description = "Only operations that failed or were interrupted." };
        var database = new Option<string>("--database") { Description = "Only operations on this client database." };
        var limit = new Option<int>("--limit") { Description = "At most this many, newest first (default 50).", DefaultValueFactory = _ => 50 };
        group.Add(new Command("list", "List operations, newest first.") { failed, database, limit }, async (parse, context, ct) =>
        {
            await context.EnsurePortalAsync(ct);
            var domain = new List<object?>();
            if (parse.GetValue(failed))
            {
                domain.Add(new List<object?> { "state", "=", "failed" });
            }

            if (parse.GetValue(database) is { Length: > 0 } name)
            {
                domain.Add(new List<object?> { "database", "=", name });
            }

            var count = parse.GetValue(limit);
            if (count <= 0)
            {
                throw CommandException.Usage("--limit must be positive.");
            }

            var rows = await context.SearchReadAsync(context.Settings.PortalDatabase, Model, domain, ListFields, ct);
            await context.Output.TableAsync([.. rows.Take(count)], ListFields);
        });

        return group.Command;
    }
}
