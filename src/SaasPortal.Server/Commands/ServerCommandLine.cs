using System.CommandLine;

namespace SaasPortal.Server.Commands;

/// <summary>The <c>saasportal</c> command line: one subcommand per file in this folder.</summary>
internal static class ServerCommandLine
{
    /// <summary>Exit code for a command line or configuration the server cannot use.</summary>
    public const int UsageError = ExitCodes.Usage;

    public static RootCommand Create()
    {
        var root = new RootCommand("SaasPortal: an Odoo-compatible SaaS platform server.");
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(DbCommands.Create());
        root.Subcommands.Add(PlanCommands.Create());
        root.Subcommands.Add(ClientCommands.Create());
        root.Subcommands.Add(ServerCommands.Create());
        root.Subcommands.Add(OperationCommands.Create());
        root.Subcommands.Add(UserCommands.Create());
        root.Subcommands.Add(AddonsCommands.Create());
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var parsed = Create().Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // One line an operator can act on, not a screen of help: every problem, and where the help is.
            var messages = string.Join(" ", parsed.Errors.Select(e => e.Message).Distinct(StringComparer.Ordinal));
            await Console.Error.WriteLineAsync($"saasportal: {messages} (see '{CommandPath(parsed.CommandResult.Command)} --help')");
            return UsageError;
        }

        return await parsed.InvokeAsync();
    }

    /// <summary>"saasportal db create" for the create command under db.</summary>
    private static string CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? symbol = command; symbol is Command current and not RootCommand; symbol = current.Parents.FirstOrDefault())
        {
            names.Insert(0, current.Name);
        }

        return string.Join(' ', ["saasportal", .. names]);
    }
}
