using System.CommandLine;
using SaasPortal.Addons.Catalogue;

namespace SaasPortal.Server.Commands;

/// <summary><c>saasportal addons …</c>: the addon catalogue (built-in addons and --addons-path) and what a database has installed.</summary>
internal static class AddonsCommands
{
    public static Command Create()
    {
        var group = new AdminGroup("addons", "Inspect addons: the catalogue, a database's modules, and whether addon folders are valid.");

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

        return group.Command;
    }

    private static AddonPaths Paths(Hosting.ServeSettings settings) => new() { Extra = settings.AddonsPaths };
}
