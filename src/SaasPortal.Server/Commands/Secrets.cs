namespace SaasPortal.Server.Commands;

/// <summary>Secrets come from standard input, never from arguments (which other users see in the process list) and are never printed.</summary>
internal static class Secrets
{
    /// <summary>The first line of standard input; from a terminal it is prompted for without echo.</summary>
    public static async Task<string> ReadStdinAsync(string what, CancellationToken cancellationToken)
    {
        string? line;
        if (Console.IsInputRedirected)
        {
            line = await Console.In.ReadLineAsync(cancellationToken);
        }
        else
        {
            await Console.Error.WriteAsync($"New {what}: ");
            line = ReadWithoutEcho();
            await Console.Error.WriteLineAsync();
        }

        return string.IsNullOrEmpty(line)
            ? throw CommandException.Usage($"No {what} on standard input.")
            : line;
    }

    private static string ReadWithoutEcho()
    {
        var text = new System.Text.StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                text.Length = Math.Max(0, text.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }

        return text.ToString();
    }
}
