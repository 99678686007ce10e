using System.CommandLine;

namespace SaasPortal.Server.Commands;

/// <summary>The <c>saasportal</c> command line: one subcommand per file in this folder.</summary>
internal static class ServerCommandLine
{
    /// <summary>Exit code for a command line or configuration the server cannot use.</summary>
    public const int UsageError = 2;

    public static RootCommand Create()
    {
        var root = new RootCommand("SaasPortal: an Odoo-compatible SaaS platform server.");
        root.Subcommands.Add(ServeCommand.Create());
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var parsed = Create().Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // One line an operator can act on, not a screen of help.
            await Console.Error.WriteLineAsync($"saasportal: {parsed.Errors[0].Message} (see 'saasportal --help')");
            return UsageError;
        }

        return await parsed.InvokeAsync();
    }
}
