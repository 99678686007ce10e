namespace SaasPortal.Cli.Tests;

/// <summary><c>saasportal addons …</c>: the catalogue, a database's modules, and checking addon folders.</summary>
public sealed class AddonsCommandTests(PortalDataFixture portal)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Addons_list_shows_the_built_in_catalogue_and_a_databases_module_states()
    {
        var data = portal.NewDataDirectory();

        var catalogue = Expect.Ok(await Cli.RunAsync(Expect.On(data, "addons", "list"), Ct));
        var json = Expect.Ok(await Cli.RunAsync(Expect.On(data, "addons", "list", "--json"), Ct)).Json;
        var portalModules = Expect.Ok(await Cli.RunAsync(Expect.On(data, "addons", "list", "--db", "portal", "--json"), Ct)).Json;
        var missing = await Cli.RunAsync(Expect.On(data, "addons", "list", "--db", "absent"), Ct);

        Assert.Matches(@"(?m)^saas_portal\s+\S+\s+\S", catalogue.Stdout);
        Assert.Contains(json.EnumerateArray(), a => a.GetProperty("name").GetString() == "base");
        Assert.Contains(json.EnumerateArray(), a => a.GetProperty("name").GetString() == "fleet" && a.GetProperty("depends").GetArrayLength() > 0);
        Assert.Contains(portalModules.EnumerateArray(), m => m.GetProperty("name").GetString() == "saas_portal" && m.GetProperty("state").GetString() == "installed");
        Expect.Failure(missing, 3, "absent");
    }

    [Fact]
    public async Task Addons_check_passes_on_the_built_ins_and_names_a_broken_addon_with_exit_code_1()
    {
        var extra = Path.Combine(portal.NewEmptyDirectory(), "addons");
        Directory.CreateDirectory(Path.Combine(extra, "broken_addon"));
        await File.WriteAllTextAsync(Path.Combine(extra, "broken_addon", "__manifest__.json"), "{ not json", Ct);
        Directory.CreateDirectory(Path.Combine(extra, "orphan_addon"));
        await File.WriteAllTextAsync(Path.Combine(extra, "orphan_addon", "__manifest__.json"),
            """{ "name": "Orphan", "version": "1.0", "depends": ["no_such_dependency"] }""", Ct);

        var clean = Expect.Ok(await Cli.RunAsync(["addons", "check"], Ct));
        var broken = await Cli.RunAsync(["addons", "check", "--addons-path", extra], Ct);
        var json = await Cli.RunAsync(["addons", "check", "--addons-path", extra, "--json"], Ct);

        Assert.Contains(" 0 with problems", clean.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, broken.ExitCode);
        Assert.Matches("(?m)^broken_addon: ", broken.Stdout);
        Assert.Matches("(?m)^orphan_addon: .*no_such_dependency", broken.Stdout);
        Assert.Equal(1, json.ExitCode);
        Assert.Equal(["broken_addon", "orphan_addon"], json.Json.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("addon").GetString()));
    }
}
