using System.Text.RegularExpressions;

namespace SaasPortal.Cli.Tests;

/// <summary>
/// Progress of long commands goes to standard error and never disturbs what scripts read: it is off when standard
/// error is redirected (as here) unless SAASPORTAL_PROGRESS=always forces plain lines, and always off with --json.
/// </summary>
public sealed partial class ProgressTests(PortalDataFixture portal)
{
    private static readonly Dictionary<string, string> Forced = new(StringComparer.Ordinal) { ["SAASPORTAL_PROGRESS"] = "always" };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Forced_progress_draws_backup_restore_and_duplicate_on_stderr_and_leaves_stdout_as_without_it()
    {
        var data = portal.NewDataDirectory();
        var archive = Path.Combine(data, "client.zip");

        var backup = await Cli.RunAsync(Expect.On(data, "db", "backup", PortalDataFixture.ClientDatabase, "-o", archive), Ct, environment: Forced);
        var restore = await Cli.RunAsync(Expect.On(data, "db", "restore", "restored", archive, "--copy"), Ct, environment: Forced);
        var duplicate = await Cli.RunAsync(Expect.On(data, "db", "duplicate", "restored", "copied"), Ct, environment: Forced);

        var size = new FileInfo(archive).Length;
        Assert.True(backup.ExitCode == 0, backup.ToString());
        Assert.Equal($"Backed up {PortalDataFixture.ClientDatabase} to {archive} ({size} bytes).", backup.Stdout.Trim());
        // The first drawing, then the final one with the archive's size.
        Assert.StartsWith($"backup {PortalDataFixture.ClientDatabase}: 0 B  ", backup.ErrorLines[0], StringComparison.Ordinal);
        Assert.Matches(FinalLine(), backup.ErrorLines[^1]);

        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Equal($"Restored restored from {archive}.", restore.Stdout.Trim());
        Assert.StartsWith("restore restored: [--------------------]   0%  0 B of ", restore.ErrorLines[0], StringComparison.Ordinal);
        Assert.StartsWith("restore restored: [####################] 100%  ", restore.ErrorLines[^1], StringComparison.Ordinal);
        Assert.Matches(FinalLine(), restore.ErrorLines[^1]);

        Assert.True(duplicate.ExitCode == 0, duplicate.ToString());
        Assert.Equal("Copied restored to copied.", duplicate.Stdout.Trim());
        Assert.Matches(@"^duplicate restored to copied: \d+\.\d s  done$", duplicate.ErrorLines[^1]);
    }

    [Fact]
    public async Task Json_output_has_the_same_shape_with_progress_forced_and_stderr_stays_empty()
    {
        var data = portal.NewDataDirectory();
        var plain = Path.Combine(data, "plain.zip");
        var forced = Path.Combine(data, "forced.zip");

        var withoutProgress = Expect.Ok(await Cli.RunAsync(Expect.On(data, "db", "backup", PortalDataFixture.ClientDatabase, "-o", plain, "--json"), Ct));
        var withProgress = Expect.Ok(await Cli.RunAsync(Expect.On(data, "db", "backup", PortalDataFixture.ClientDatabase, "-o", forced, "--json"), Ct,
            environment: Forced));
        var restored = Expect.Ok(await Cli.RunAsync(Expect.On(data, "db", "restore", "restored", forced, "--json"), Ct, environment: Forced));

        // Two archives of one database differ in their timestamps, so their sizes may differ; the documents' shapes may not.
        Assert.Equal(withoutProgress.Json.EnumerateObject().Select(p => p.Name), withProgress.Json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(PortalDataFixture.ClientDatabase, withProgress.Json.GetProperty("name").GetString());
        Assert.Equal(forced, withProgress.Json.GetProperty("file").GetString());
        Assert.Equal(new FileInfo(forced).Length, withProgress.Json.GetProperty("bytes").GetInt64());
        Assert.Equal(new FileInfo(plain).Length, withoutProgress.Json.GetProperty("bytes").GetInt64());
        Assert.Equal("restored", restored.Json.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Redirected_stderr_gets_no_progress_unless_forced()
    {
        var data = portal.NewDataDirectory();

        // Expect.Ok insists on an empty standard error: the test runner's pipes are not a terminal.
        var backup = Expect.Ok(await Cli.RunAsync(Expect.On(data, "db", "backup", PortalDataFixture.ClientDatabase, "-o", Path.Combine(data, "a.zip")), Ct));
        var never = Expect.Ok(await Cli.RunAsync(Expect.On(data, "db", "duplicate", PortalDataFixture.ClientDatabase, "other"), Ct,
            environment: new Dictionary<string, string>(StringComparer.Ordinal) { ["SAASPORTAL_PROGRESS"] = "never" }));

        Assert.StartsWith("Backed up ", backup.Stdout, StringComparison.Ordinal);
        Assert.Equal("Copied " + PortalDataFixture.ClientDatabase + " to other.", never.Stdout.Trim());
    }

    [GeneratedRegex(@"  \d+\.\d s  done$")]
    private static partial Regex FinalLine();
}
