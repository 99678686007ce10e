namespace SaasPortal.Cli.Tests;

/// <summary><c>saasportal plan …</c>: the portal's plans.</summary>
public sealed class PlanCommandTests(PortalDataFixture portal)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Plan_list_shows_the_default_plan_as_text_and_json()
    {
        var data = portal.NewDataDirectory();

        var text = Expect.Ok(await Cli.RunAsync(Expect.On(data, "plan", "list"), Ct));
        var json = Expect.Ok(await Cli.RunAsync(Expect.On(data, "plan", "list", "--json"), Ct));

        Assert.Matches(@"(?m)^1\s+Default\s+confirmed\s+portal-template\s+client-%i\.localhost", text.Stdout);
        var plan = Assert.Single(json.Json.EnumerateArray());
        Assert.Equal(1, plan.GetProperty("id").GetInt32());
        Assert.Equal("portal-template", plan.GetProperty("template_id")[1].GetString());
    }

    [Fact]
    public async Task Plan_show_prints_every_setting_and_an_unknown_plan_exits_3()
    {
        var data = portal.NewDataDirectory();

        var shown = Expect.Ok(await Cli.RunAsync(Expect.On(data, "plan", "show", "1"), Ct));
        var missing = await Cli.RunAsync(Expect.On(data, "plan", "show", "99"), Ct);
        var notNumber = await Cli.RunAsync(Expect.On(data, "plan", "show", "one"), Ct);

        Assert.Matches(@"(?m)^name\s+Default$", shown.Stdout);
        Assert.Matches(@"(?m)^grace_period\s+0$", shown.Stdout);
        Expect.Failure(missing, 3, "Plan 99");
        Expect.Failure(notNumber, 2, "one");
    }

    [Fact]
    public async Task Plan_create_records_the_limits_on_the_template_given()
    {
        var data = portal.NewDataDirectory();

        var created = Expect.Ok(await Cli.RunAsync(Expect.On(data, "plan", "create", "Pro", "--max-users", "3", "--storage-limit", "500",
            "--trial-hours", "48", "--dbname-template", "pro-%i.example.com", "--json"), Ct));
        var id = created.Json.GetProperty("id").GetInt32();
        var shown = Expect.Ok(await Cli.RunAsync(Expect.On(data, "plan", "show", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json"), Ct)).Json;

        Assert.Equal("Pro", shown.GetProperty("name").GetString());
        Assert.Equal(3, shown.GetProperty("max_users").GetInt32());
        Assert.Equal(500, shown.GetProperty("total_storage_limit").GetInt32());
        Assert.Equal(48, shown.GetProperty("expiration").GetInt32());
        Assert.Equal("pro-%i.example.com", shown.GetProperty("dbname_template").GetString());
        Assert.Equal("confirmed", shown.GetProperty("state").GetString());
        Assert.Equal("portal-template", shown.GetProperty("template_id")[1].GetString());
    }

    [Fact]
    public async Task Plan_create_refuses_a_missing_template_and_negative_limits()
    {
        var data = portal.NewDataDirectory();

        var missing = await Cli.RunAsync(Expect.On(data, "plan", "create", "Ghost", "--template", "absent"), Ct);
        var negative = await Cli.RunAsync(Expect.On(data, "plan", "create", "Bad", "--max-users", "-1"), Ct);
        var list = Expect.Ok(await Cli.RunAsync(Expect.On(data, "plan", "list", "--json"), Ct));

        Expect.Failure(missing, 3, "absent");
        Expect.Failure(negative, 2, "--max-users");
        Assert.Single(list.Json.EnumerateArray());
    }

    [Fact]
    public async Task Plan_commands_without_a_portal_database_exit_3_naming_it()
    {
        var data = portal.NewDataDirectory();

        var result = await Cli.RunAsync(Expect.On(data, "plan", "list", "--portal-db", "elsewhere"), Ct);

        Expect.Failure(result, 3, "elsewhere");
    }
}
