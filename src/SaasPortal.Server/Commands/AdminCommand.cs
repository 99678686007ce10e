using System.CommandLine;
using System.Data.Common;
using SaasPortal.Orm.Errors;
using SaasPortal.Server.Hosting;
using SaasPortal.Storage.Databases;

namespace SaasPortal.Server.Commands;

/// <summary>A group of administration commands (db, plan, client, …) and the options all of its subcommands take.</summary>
internal sealed class AdminGroup
{
    private readonly SettingsOptions _settings = SettingsOptions.ForAdministration();
    private readonly Option<bool> _json = new("--json") { Description = "Print the result as JSON (for scripts).", Recursive = true };

    public AdminGroup(string name, string description)
    {
        Command = new Command(name, description);
        _settings.AddTo(Command);
        Command.Options.Add(_json);
    }

    public Command Command { get; }

    /// <summary>Adds a subcommand whose action gets an <see cref="AdminContext"/> and whose failures become one line and an exit code.</summary>
    public Command Add(Command command, Func<ParseResult, AdminContext, CancellationToken, Task> action, bool createsDataDirectory = false)
    {
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = new CommandOutput(parseResult.GetValue(_json), Console.Out);
            return await RunAsync(async () =>
            {
                await using var context = Open(parseResult, output, createsDataDirectory);
                await action(parseResult, context, cancellationToken);
            });
        });
        Command.Subcommands.Add(command);
        return command;
    }

    /// <summary>The services over the settings of this command line.</summary>
    public AdminContext Open(ParseResult parseResult, CommandOutput output, bool createsDataDirectory = false) =>
        AdminContext.Open(_settings.Overrides(parseResult), output, createsDataDirectory);

    /// <summary>Adds a subcommand that needs no services (it still reads the settings for paths).</summary>
    public Command AddOffline(Command command, Func<ParseResult, ServeSettings, CommandOutput, CancellationToken, Task<int>> action)
    {
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = new CommandOutput(parseResult.GetValue(_json), Console.Out);
            var code = ExitCodes.Ok;
            var failed = await RunAsync(async () =>
            {
                var settings = ServeSettings.Read(ConfigurationSources.Build(_settings.Overrides(parseResult)), listening: false);
                code = await action(parseResult, settings, output, cancellationToken);
            });
            return failed == ExitCodes.Ok ? code : failed;
        });
        Command.Subcommands.Add(command);
        return command;
    }

    /// <summary>Runs <paramref name="work"/>; anything it throws is printed as one line on standard error, never a stack trace.</summary>
    private static async Task<int> RunAsync(Func<Task> work)
    {
        try
        {
            await work();
            return ExitCodes.Ok;
        }
        catch (Exception e)
        {
            var (code, message) = Describe(e);
            await Console.Error.WriteLineAsync("saasportal: " + OneLine(message));
            return code;
        }
    }

    /// <summary>The exit code and message of a failure.</summary>
    internal static (int Code, string Message) Describe(Exception e) => e switch
    {
        CommandException c => (c.ExitCode, c.Message),
        SettingsException => (ExitCodes.Usage, e.Message),
        DatabaseNotFoundException or MissingErrorException => (ExitCodes.NotFound, e.Message),
        DatabaseExistsException => (ExitCodes.AlreadyExists, e.Message),
        UnknownModelException => (ExitCodes.Error, e.Message + " (is the right addon installed in this database?)"),
        OdooException or InvalidDataException or IOException or UnauthorizedAccessException or ArgumentException => (ExitCodes.Error, e.Message),
        // Driver messages name the server and the problem, not the connection string's password.
        DbException => (ExitCodes.Error, "database error: " + e.Message),
        OperationCanceledException => (ExitCodes.Error, "cancelled"),
        _ => (ExitCodes.Error, $"unexpected {e.GetType().Name}: {e.Message}"),
    };

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
