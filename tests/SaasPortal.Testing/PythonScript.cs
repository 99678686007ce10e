using System.Diagnostics;

namespace SaasPortal.Testing;

/// <summary>What a Python run printed and how it ended.</summary>
public sealed record PythonResult(int ExitCode, string Output, string Error)
{
    /// <summary>Everything printed, for assertion messages.</summary>
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>Runs Python 3 scripts (typically with xmlrpc.client) against the server, as an Odoo user's script would.</summary>
public static class PythonScript
{
    /// <summary>Runs <paramref name="script"/> with <paramref name="arguments"/> as sys.argv[1:], killing it after <paramref name="timeout"/>.</summary>
    public static async Task<PythonResult> RunAsync(string script, IEnumerable<string> arguments, CancellationToken cancellationToken,
        TimeSpan? timeout = null)
    {
        var file = Path.Combine(Path.GetTempPath(), $"saasportal-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(file, script, cancellationToken);
        try
        {
            var start = new ProcessStartInfo("python3")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(file);
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["PYTHONIOENCODING"] = "utf-8";
            using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout ?? TimeSpan.FromMinutes(2));
            var stdout = process.StandardOutput.ReadToEndAsync(limit.Token);
            var stderr = process.StandardError.ReadToEndAsync(limit.Token);
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            return new PythonResult(process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
