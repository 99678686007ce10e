using System.Diagnostics;
using Npgsql;

namespace SaasPortal.Testing;

/// <summary>
/// The PostgreSQL server tests use: SAASPORTAL_TEST_PG when set, otherwise the throwaway cluster that
/// scripts/test-postgres.sh starts (installing PostgreSQL if needed). Never skipped: no server is a failure.
/// </summary>
public static class TestPostgres
{
    /// <summary>The environment variable holding the Npgsql connection string of the test server's superuser.</summary>
    public const string Variable = "SAASPORTAL_TEST_PG";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _connectionString;

    /// <summary>The connection string of the test server's maintenance database.</summary>
    public static async Task<string> ConnectionStringAsync(CancellationToken cancellationToken)
    {
        if (_connectionString is not null)
        {
            return _connectionString;
        }

        await Gate.WaitAsync(cancellationToken);
        try
        {
            _connectionString ??= Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured
                ? configured
                : await StartClusterAsync(cancellationToken);
            return _connectionString;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Drops every database whose name starts with <paramref name="prefix"/> (test leftovers).</summary>
    public static async Task DropDatabasesAsync(string prefix, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        await using var source = NpgsqlDataSource.Create(await ConnectionStringAsync(cancellationToken));
        var names = new List<string>();
        await using (var list = source.CreateCommand("SELECT datname FROM pg_database WHERE starts_with(datname, $1)"))
        {
            list.Parameters.Add(new NpgsqlParameter { Value = prefix });
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                names.Add(reader.GetString(0));
            }
        }

        foreach (var name in names)
        {
            await using var drop = source.CreateCommand($"DROP DATABASE IF EXISTS \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\" WITH (FORCE)");
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task<string> StartClusterAsync(CancellationToken cancellationToken)
    {
        var script = Path.Combine(RepositoryPaths.Root, "scripts", "test-postgres.sh");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var output = (await stdout).Trim();
        if (process.ExitCode != 0 || output.Length == 0)
        {
            throw new InvalidOperationException(
                $"scripts/test-postgres.sh failed (exit {process.ExitCode}); set {Variable} or fix the cluster: {await stderr}");
        }

        return output.Split('\n')[^1].Trim();
    }
}
