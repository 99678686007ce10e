using SaasPortal.Testing;

namespace SaasPortal.Cli.Tests;

/// <summary>
/// <c>addons upgrade</c>: the bulk upgrade of every database after a release, without starting the server, with its
/// progress on standard error (forced here; off for --json and redirected output).
/// </summary>
public sealed class AddonsUpgradeTests(PortalDataFixture portal)
{
    private const string Shop = PortalDataFixture.ClientDatabase;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Addons_upgrade_upgrades_only_outdated_databases_and_reports_each_one_as_json()
    {
        var data = portal.NewDataDirectory();
        await PortalDataFixture.MakeAccessAppsOutdatedAsync(data, Ct);

        var result = Expect.Ok(await Cli.RunAsync(Expect.On(data, "addons", "upgrade", "--json"), Ct,
            environment: new Dictionary<string, string>(StringComparer.Ordinal) { ["SAASPORTAL_PROGRESS"] = "always" }));
        var again = Expect.Ok(await Cli.RunAsync(Expect.On(data, "addons", "upgrade", "--json"), Ct));
        var modules = Expect.Ok(await Cli.RunAsync(Expect.On(data, "addons", "list", "--db", Shop, "--json"), Ct)).Json;
        var catalogue = Expect.Ok(await Cli.RunAsync(Expect.On(data, "addons", "list", "--json"), Ct)).Json;

        var rows = result.Json.EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!, r => r);
        Assert.Equal(["portal", "portal-template", Shop], rows.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("access_apps", rows[Shop].GetProperty("upgraded").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("current", rows["portal"].GetProperty("result").GetString());
        Assert.All(again.Json.EnumerateArray(), r => Assert.Equal("current", r.GetProperty("result").GetString()));
        var installed = modules.EnumerateArray().Single(m => m.GetProperty("name").GetString() == "access_apps");
        var files = catalogue.EnumerateArray().Single(a => a.GetProperty("name").GetString() == "access_apps");
        Assert.Equal(files.GetProperty("version").GetString(), installed.GetProperty("latest_version").GetString());
    }

    [Fact]
    public async Task Addons_upgrade_draws_its_progress_in_databases_and_prints_a_line_per_database()
    {
        var data = portal.NewDataDirectory();
        await PortalDataFixture.MakeAccessAppsOutdatedAsync(data, Ct);

        var result = await Cli.RunAsync(Expect.On(data, "addons", "upgrade"), Ct,
            environment: new Dictionary<string, string>(StringComparer.Ordinal) { ["SAASPORTAL_PROGRESS"] = "always" });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("upgrade databases: [--------------------]   0%  0 of 3  ", result.ErrorLines[0][..^"0.0 s".Length]);
        Assert.Matches(@"^upgrade databases: \[#{20}\] 100%  3 of 3  \d+\.\d s  done$", result.ErrorLines[^1]);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("name", lines[0].Split(' ')[0]);
        Assert.Contains(lines, l => l.StartsWith(Shop, StringComparison.Ordinal) && l.Contains("upgraded access_apps", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("portal ", StringComparison.Ordinal) && l.EndsWith("current", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Addons_upgrade_of_a_database_that_does_not_exist_exits_3()
    {
        var data = portal.NewDataDirectory();

        var result = await Cli.RunAsync(Expect.On(data, "addons", "upgrade", "--db", "absent"), Ct);

        Expect.Failure(result, 3, "absent");
    }
}
