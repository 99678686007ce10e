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

    private static readonly Once Primary = new(ct => FromVariableOrScriptAsync(Variable, "test-postgres.sh", [], null, ct));

    private static readonly Once Second = new(ct => FromVariableOrScriptAsync(SecondVariable, "test-postgres.sh", [],
        new Dictionary<string, string> { ["SAASPORTAL_PG_DIR"] = "/tmp/saasportal-pg2", ["SAASPORTAL_PG_PORT"] = "54330" }, ct));

    private static readonly Once PrimaryBouncer = new(async ct => await FromVariableOrScriptAsync(PoolerVariable, "test-pgbouncer.sh",
        [await ConnectionStringAsync(ct)], null, ct));

    private static readonly Once SecondBouncer = new(async ct => await FromVariableOrScriptAsync(null, "test-pgbouncer.sh",
        [await SecondConnectionStringAsync(ct)],
        new Dictionary<string, string> { ["SAASPORTAL_PGBOUNCER_DIR"] = "/tmp/saasportal-pgbouncer2", ["SAASPORTAL_PGBOUNCER_PORT"] = "54340" }, ct));

    /// <summary>The connection string of the test server's maintenance database.</summary>
    public static Task<string> ConnectionStringAsync(CancellationToken cancellationToken) => Primary.GetAsync(cancellationToken);

    /// <summary>The environment variable holding the connection string of a second server, for tests of several servers.</summary>
    public const string SecondVariable = "SAASPORTAL_TEST_PG2";

    /// <summary>
    /// The maintenance database of a second PostgreSQL server: SAASPORTAL_TEST_PG2 when set, otherwise a second
    /// throwaway cluster that scripts/test-postgres.sh starts in /tmp/saasportal-pg2 on port 54330.
    /// </summary>
    public static Task<string> SecondConnectionStringAsync(CancellationToken cancellationToken) => Second.GetAsync(cancellationToken);

    /// <summary>
    /// The environment variable that, when it holds a PgBouncer's connection string, makes the in-process PostgreSQL
    /// fixtures (<see cref="DatabaseServerFixture"/>) connect tenants through it: test.sh sets it for a second run of
    /// the ORM conformance suite.
    /// </summary>
    public const string PoolerVariable = "SAASPORTAL_TEST_PG_POOLER";

    /// <summary>
    /// A PgBouncer in transaction mode in front of the test server (Host and Port only; the rest comes from
    /// <see cref="ConnectionStringAsync"/>): SAASPORTAL_TEST_PG_POOLER when set, otherwise the one
    /// scripts/test-pgbouncer.sh starts on 127.0.0.1:54339 (installing Debian's pgbouncer if needed).
    /// </summary>
    public static Task<string> PgBouncerConnectionStringAsync(CancellationToken cancellationToken) => PrimaryBouncer.GetAsync(cancellationToken);

    /// <summary>
    /// A PgBouncer in transaction mode in front of the second server (<see cref="SecondConnectionStringAsync"/>), started
    /// by scripts/test-pgbouncer.sh on 127.0.0.1:54340 with its files in /tmp/saasportal-pgbouncer2.
    /// </summary>
    public static Task<string> SecondPgBouncerConnectionStringAsync(CancellationToken cancellationToken) => SecondBouncer.GetAsync(cancellationToken);

    /// <summary>Drops every database whose name starts with <paramref name="prefix"/> (test leftovers).</summary>
    public static async Task DropDatabasesAsync(string prefix, CancellationToken cancellationToken) =>
        await DropDatabasesAsync(await ConnectionStringAsync(cancellationToken), prefix, cancellationToken);

    /// <summary>Drops every database of the server <paramref name="connectionString"/> whose name starts with <paramref name="prefix"/>.</summary>
    public static async Task DropDatabasesAsync(string connectionString, string prefix, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        await using var source = NpgsqlDataSource.Create(connectionString);
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

    /// <summary>The variable's value when it is set, else what the script prints.</summary>
    private static async Task<string> FromVariableOrScriptAsync(string? variable, string script, IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken) =>
        variable is not null && Environment.GetEnvironmentVariable(variable) is { Length: > 0 } configured
            ? configured
            : await RunScriptAsync(script, arguments, environment, cancellationToken);

    /// <summary>Runs one of scripts/ and returns the last line it printed (a connection string); a failure throws with its stderr.</summary>
    private static async Task<string> RunScriptAsync(string name, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment,
        CancellationToken cancellationToken)
    {
        var script = Path.Combine(RepositoryPaths.Root, "scripts", name);
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var output = (await stdout).Trim();
        if (process.ExitCode != 0 || output.Length == 0)
        {
            throw new InvalidOperationException(
                $"scripts/{name} failed (exit {process.ExitCode}); fix it or set the variable that replaces it: {await stderr}");
        }

        return output.Split('\n')[^1].Trim();
    }

    /// <summary>A value made once, on first demand, by one caller at a time; a failure is not kept, so the next caller tries again.</summary>
    private sealed class Once(Func<CancellationToken, Task<string>> make)
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private string? _value;

        public async Task<string> GetAsync(CancellationToken cancellationToken)
        {
            if (Volatile.Read(ref _value) is { } known)
            {
                return known;
            }

            await _gate.WaitAsync(cancellationToken);
            try
            {
                return _value ??= await make(cancellationToken);
            }
            finally
            {
                _gate.Release();
            }
        }
    }
}
