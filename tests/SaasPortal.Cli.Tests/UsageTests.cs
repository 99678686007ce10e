namespace SaasPortal.Cli.Tests;

/// <summary>Help on every command, and usage errors as one line with exit code 2.</summary>
public sealed class UsageTests
{
    public static TheoryData<string> Commands() =>
    [
        "", "serve", "db", "db list", "db create", "db drop", "db duplicate", "db rename", "db backup", "db restore",
        "plan", "plan list", "plan show", "plan create",
        "client", "client list", "client show", "client suspend", "client resume", "client limits", "client install", "client uninstall", "client delete",
        "user", "user passwd", "addons", "addons list", "addons check",
    ];

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Every_command_has_help_text(string command)
    {
        var result = await Cli.RunAsync([.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"], TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Description:", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Usage:", result.Stdout, StringComparison.Ordinal);
        if (command.Contains(' ', StringComparison.Ordinal))
        {
            // Administration commands say where they work and can answer in JSON.
            Assert.Contains("--data-dir", result.Stdout, StringComparison.Ordinal);
            Assert.Contains("--json", result.Stdout, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("db", "'saasportal db --help'")]
    [InlineData("db frobnicate", "frobnicate")]
    [InlineData("db create", "'saasportal db create --help'")]
    [InlineData("db list --bogus", "--bogus")]
    [InlineData("client install", "'saasportal client install --help'")]
    [InlineData("plan show", "'saasportal plan show --help'")]
    public async Task Usage_errors_are_one_line_and_exit_code_2(string arguments, string mentioned)
    {
        var result = await Cli.RunAsync(arguments.Split(' '), TestContext.Current.CancellationToken);

        Expect.Failure(result, 2, mentioned);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task A_bad_setting_is_a_usage_error_for_administration_commands_too()
    {
        var result = await Cli.RunAsync(["db", "list", "--db-backend", "mysql"], TestContext.Current.CancellationToken);

        Expect.Failure(result, 2, "mysql");
    }
}
