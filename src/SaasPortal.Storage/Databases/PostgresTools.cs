using System.Diagnostics;
using System.Text;
using Npgsql;

namespace SaasPortal.Storage.Databases;

/// <summary>
/// pg_dump and pg_restore (Debian's postgresql-client) for dumps of PostgreSQL databases. The newest installed
/// version under /usr/lib/postgresql is preferred, since pg_dump refuses servers newer than itself.
/// </summary>
internal sealed class PostgresTools(NpgsqlConnectionStringBuilder settings)
{
    private const int MaxErrorLength = 2000;

    /// <summary>The server the tools connect to (its password included: never log it).</summary>
    private NpgsqlConnectionStringBuilder Settings => settings;

    public Task DumpAsync(string database, string file, CancellationToken cancellationToken) =>
        RunAsync("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", "--file", file, "--dbname", ConnInfo(database)], cancellationToken);

    public Task RestoreAsync(string database, string file, CancellationToken cancellationToken) =>
        RunAsync("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", "--dbname", ConnInfo(database), file], cancellationToken);

    /// <summary>
    /// Copies <paramref name="sourceDatabase"/> of the server <paramref name="source"/> into the existing, empty
    /// <paramref name="targetDatabase"/> of this server: <c>pg_dump --format=custom | pg_restore</c>, streamed through
    /// this process without a temporary file. Each tool gets its own server's password in its environment.
    /// </summary>
    public async Task CopyFromAsync(PostgresTools source, string sourceDatabase, string targetDatabase, CancellationToken cancellationToken)
    {
        using var dump = Start(source.Settings, "pg_dump", ["--format=custom", "--no-owner", "--no-privileges", "--dbname", source.ConnInfo(sourceDatabase)], stdin: false);
        using var restore = Start(settings, "pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", "--dbname", ConnInfo(targetDatabase)], stdin: true);
        var dumpErrors = dump.StandardError.ReadToEndAsync(cancellationToken);
        var restoreErrors = restore.StandardError.ReadToEndAsync(cancellationToken);
        var restoreOutput = restore.StandardOutput.ReadToEndAsync(cancellationToken);
        try
        {
            try
            {
                await dump.StandardOutput.BaseStream.CopyToAsync(restore.StandardInput.BaseStream, cancellationToken);
            }
            catch (IOException)
            {
                // pg_restore stopped reading (it failed): its exit code and message below say why.
            }
            finally
            {
                restore.StandardInput.Close();
            }

            await dump.WaitForExitAsync(cancellationToken);
            await restore.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            dump.Kill(entireProcessTree: true);
            restore.Kill(entireProcessTree: true);
            throw;
        }

        await restoreOutput;
        Check("pg_dump", dump, await dumpErrors);
        Check("pg_restore", restore, await restoreErrors);
    }

    private async Task RunAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        using var process = Start(settings, tool, arguments, stdin: false);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        await stdout;
        Check(tool, process, await stderr);
    }

    private static Process Start(NpgsqlConnectionStringBuilder server, string tool, IReadOnlyList<string> arguments, bool stdin)
    {
        var start = new ProcessStartInfo(Locate(tool))
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = stdin,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The password travels in the environment, never on the command line where ps could show it.
        if (!string.IsNullOrEmpty(server.Password))
        {
            start.Environment["PGPASSWORD"] = server.Password;
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
    }

    private static void Check(string tool, Process process, string error)
    {
        if (process.ExitCode != 0)
        {
            var message = error.Length > MaxErrorLength ? error[..MaxErrorLength] : error;
            throw new InvalidOperationException($"{tool} failed (exit {process.ExitCode}): {message.Trim()}");
        }
    }

    private static string Locate(string tool)
    {
        var versioned = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Dir: d, Version: int.TryParse(Path.GetFileName(d), out var v) ? v : -1))
                .OrderByDescending(d => d.Version)
                .Select(d => Path.Combine(d.Dir, "bin", tool))
                .FirstOrDefault(File.Exists)
            : null;
        if (versioned is not null)
        {
            return versioned;
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, tool))
            .FirstOrDefault(File.Exists);
        return onPath ?? throw new InvalidOperationException(
            $"{tool} was not found: dumps of PostgreSQL databases need Debian's postgresql-client package.");
    }

    /// <summary>A libpq connection string for one database, without the password.</summary>
    private string ConnInfo(string database)
    {
        var builder = new StringBuilder();
        Append(builder, "host", settings.Host);
        Append(builder, "port", settings.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Append(builder, "user", settings.Username);
        Append(builder, "dbname", database);
        return builder.ToString();
    }

    private static void Append(StringBuilder builder, string key, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        var escaped = value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal);
        builder.Append(key).Append("='").Append(escaped).Append("' ");
    }
}
