using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using SaasPortal.Addons.Catalogue;
using SaasPortal.Server.Hosting;

namespace SaasPortal.Server.Commands;

/// <summary><c>saasportal addons …</c>: the addon catalogue (built-in addons and --addons-path) and what a database has installed.</summary>
internal static class AddonsCommands
{
    public static Command Create()
    {
        var group = new AdminGroup("addons", "Inspect and upgrade addons: the catalogue, a database's modules, whether addon folders are valid, pending upgrades.");

        var database = new Option<string>("--db", "-d") { Description = "List the modules of this database (ir.module.module) with their state, instead of the catalogue." };
        group.AddOffline(new Command("list", "List the addons of the catalogue, or of a database with --db.") { database }, async (parse, settings, output, ct) =>
        {
            if (parse.GetValue(database) is { } name)
            {
                await using var context = group.Open(parse, output);
                var db = DbCommands.ValidName(name);
                if (!await context.Databases.ExistsAsync(db, ct))
                {
                    throw CommandException.NotFound($"Database {db} does not exist.");
                }

                var rows = await context.SearchReadAsync(db, "ir.module.module", [], ["name", "state", "latest_version", "shortdesc"], ct);
                await output.TableAsync(rows, "name", "state", "latest_version", "shortdesc");
                return ExitCodes.Ok;
            }

            var catalogue = await AddonCatalogue.LoadAsync(Paths(settings).All, ct);
            var listed = catalogue.Addons.Values.OrderBy(a => a.Name, StringComparer.Ordinal)
                .Select(a => (IReadOnlyDictionary<string, object?>)DbCommands.Row(("name", a.Name), ("version", a.Manifest.Version), ("summary", a.Manifest.Summary ?? a.Manifest.Name),
                    ("depends", a.Manifest.Depends), ("path", a.Directory)))
                .ToList();
            await output.TableAsync(listed, "name", "version", "summary");
            return ExitCodes.Ok;
        });

        group.AddOffline(new Command("check", "Check every addon folder on the addons path (manifest, models, data, dependencies); exit code 1 when one is broken."),
            async (_, settings, output, ct) =>
            {
                var catalogue = await AddonCatalogue.LoadAsync(Paths(settings).All, ct);
                var problems = new SortedDictionary<string, string>(catalogue.Problems, StringComparer.Ordinal);
                var resolver = new DependencyResolver(catalogue);
                foreach (var addon in catalogue.Addons.Keys)
                {
                    try
                    {
                        resolver.Validate(addon);
                    }
                    catch (AddonDependencyException e)
                    {
                        problems.TryAdd(addon, e.Message);
                    }
                }

                var result = DbCommands.Row(("valid", catalogue.Addons.Count - problems.Keys.Count(catalogue.Addons.ContainsKey)),
                    ("problems", problems.Select(p => (object?)DbCommands.Row(("addon", p.Key), ("problem", p.Value))).ToList()));
                if (output.Json)
                {
                    await output.DoneAsync("", result);
                }
                else
                {
                    foreach (var (addon, problem) in problems)
                    {
                        await Console.Out.WriteLineAsync($"{addon}: {problem}");
                    }

                    await Console.Out.WriteLineAsync($"{result["valid"]} addons valid, {problems.Count} with problems.");
                }

                return problems.Count == 0 ? ExitCodes.Ok : ExitCodes.Error;
            });

        var upgradeIn = new Option<string>("--db", "-d") { Description = "Upgrade only this database." };
        group.Add(new Command("upgrade",
                "Upgrade, in every database (or --db), the installed addons whose files are newer, as 'serve --upgrade' does before "
                + "listening; run it while the server is stopped. Exit code 1 when a database fails (the others are still upgraded).") { upgradeIn },
            async (parse, context, ct) =>
            {
                IReadOnlyList<string> names = parse.GetValue(upgradeIn) is { } one
                    ? await context.Databases.ExistsAsync(DbCommands.ValidName(one), ct) ? [one] : throw CommandException.NotFound($"Database {one} does not exist.")
                    : await context.Databases.ListAsync(ct);
                var upgrades = ActivatorUtilities.CreateInstance<PendingUpgrades>(context.Services);
                UpgradeReport report;
                using (var progress = context.Output.Progress.StartItems("upgrade databases", names.Count))
                {
                    report = await upgrades.RunAsync(names, done => progress.Report(done), ct);
                    progress.Complete(names.Count);
                }

                var upgraded = report.Upgraded.ToDictionary(u => u.Database, u => u.Addons, StringComparer.Ordinal);
                var failed = report.Failed.ToDictionary(f => f.Database, f => f.Reason, StringComparer.Ordinal);
                var rows = names.Select(name => (IReadOnlyDictionary<string, object?>)DbCommands.Row(
                        ("name", name),
                        ("upgraded", upgraded.GetValueOrDefault(name)?.ToList<object?>() ?? []),
                        ("error", failed.GetValueOrDefault(name) ?? (object)false),
                        ("result", failed.TryGetValue(name, out var reason) ? "failed: " + reason
                            : upgraded.TryGetValue(name, out var addons) ? "upgraded " + string.Join(", ", addons) : "current")))
                    .ToList();
                await context.Output.TableAsync(rows, "name", "result");
                if (failed.Count > 0)
                {
                    throw new CommandException(ExitCodes.Error, $"{failed.Count} of {names.Count} databases failed to upgrade: {string.Join(", ", failed.Keys)}.");
                }
            });

        return group.Command;
    }

    private static AddonPaths Paths(ServeSettings settings) => new() { Extra = settings.AddonsPaths };
}
