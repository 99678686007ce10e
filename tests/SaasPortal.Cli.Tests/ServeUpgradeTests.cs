using SaasPortal.Testing;

namespace SaasPortal.Cli.Tests;

/// <summary><c>serve --upgrade</c>: addons whose files are newer than what a database has installed are upgraded before the server listens.</summary>
public sealed class ServeUpgradeTests(PortalDataFixture portal)
{
    private const string Shop = PortalDataFixture.ClientDatabase;

    [Fact]
    public async Task Serve_upgrade_brings_an_outdated_installed_addon_to_the_version_of_its_files()
    {
        var ct = TestContext.Current.CancellationToken;
        var data = portal.NewDataDirectory();
        await PortalDataFixture.MakeAccessAppsOutdatedAsync(data, ct);

        string serverOutput;
        await using (var server = await ServerProcess.StartAsync(data, ["--upgrade"], ct))
        {
            serverOutput = server.Output;
        }

        var modules = Expect.Ok(await Cli.RunAsync(Expect.On(data, "addons", "list", "--db", Shop, "--json"), ct)).Json;
        var catalogue = Expect.Ok(await Cli.RunAsync(Expect.On(data, "addons", "list", "--json"), ct)).Json;
        var installed = modules.EnumerateArray().Single(m => m.GetProperty("name").GetString() == "access_apps");
        var files = catalogue.EnumerateArray().Single(a => a.GetProperty("name").GetString() == "access_apps");

        Assert.Contains($"Upgraded {Shop}: ", serverOutput, StringComparison.Ordinal);
        Assert.Equal("installed", installed.GetProperty("state").GetString());
        Assert.Equal(files.GetProperty("version").GetString(), installed.GetProperty("latest_version").GetString());
        // Databases that were current are left alone.
        Assert.DoesNotContain("Upgraded portal:", serverOutput, StringComparison.Ordinal);
    }
}
