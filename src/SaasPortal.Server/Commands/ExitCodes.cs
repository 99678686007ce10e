namespace SaasPortal.Server.Commands;

/// <summary>The exit codes every <c>saasportal</c> command uses; scripts may rely on them (docs/operations.md).</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Ok = 0;

    /// <summary>The command failed: a refused operation, an I/O or database error.</summary>
    public const int Error = 1;

    /// <summary>The command line or the configuration cannot be used.</summary>
    public const int Usage = 2;

    /// <summary>A database, plan, client, user or addon named on the command line does not exist.</summary>
    public const int NotFound = 3;

    /// <summary>A database or record the command would create already exists.</summary>
    public const int AlreadyExists = 4;
}

/// <summary>A failure an operator can act on: its message is the one line printed, its code the exit code.</summary>
internal sealed class CommandException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public static CommandException NotFound(string message) => new(ExitCodes.NotFound, message);

    public static CommandException Usage(string message) => new(ExitCodes.Usage, message);
}
