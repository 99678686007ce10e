using System.Text.Json;

namespace SaasPortal.Cli.Tests;

/// <summary>Commands read the settings serve reads: appsettings.json, then SAASPORTAL__ environment variables, then flags.</summary>
public sealed class ConfigurationTests(PortalDataFixture portal)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_environment_variable_takes_effect_and_a_flag_wins_over_it()
    {
        var withShop = portal.NewDataDirectory();
        var other = portal.NewEmptyDirectory();
        Expect.Ok(await Cli.RunAsync(Expect.On(other, "db", "create", "solo"), Ct));
        var environment = new Dictionary<string, string> { ["SAASPORTAL__DATADIR"] = withShop };

        var fromEnvironment = Expect.Ok(await Cli.RunAsync(["db", "list"], Ct, environment: environment));
        var fromFlag = Expect.Ok(await Cli.RunAsync(["db", "list", "--data-dir", other], Ct, environment: environment));

        Assert.Contains(PortalDataFixture.ClientDatabase, fromEnvironment.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("solo", fromEnvironment.Stdout, StringComparison.Ordinal);
        Assert.Contains("solo", fromFlag.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(PortalDataFixture.ClientDatabase, fromFlag.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Appsettings_json_in_the_working_directory_is_read_and_the_environment_wins_over_it()
    {
        var data = portal.NewDataDirectory();
        var workingDirectory = portal.NewEmptyDirectory();
        Directory.CreateDirectory(workingDirectory);
        await File.WriteAllTextAsync(Path.Combine(workingDirectory, "appsettings.json"),
            JsonSerializer.Serialize(new { SaasPortal = new { DataDir = data, PortalDb = "absent" } }), Ct);

        var fromFile = await Cli.RunAsync(["plan", "list"], Ct, workingDirectory: workingDirectory);
        var environmentWins = Expect.Ok(await Cli.RunAsync(["plan", "list"], Ct, workingDirectory: workingDirectory,
            environment: new Dictionary<string, string> { ["SAASPORTAL__PORTALDB"] = "portal" }));

        Expect.Failure(fromFile, 3, "absent");
        Assert.Contains("Default", environmentWins.Stdout, StringComparison.Ordinal);
    }
}
