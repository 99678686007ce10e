namespace SaasPortal.Cli.Tests;

/// <summary><c>saasportal client …</c>: the portal's clients, changed through the portal's own methods.</summary>
public sealed class ClientCommandTests(PortalDataFixture portal)
{
    private const string Shop = PortalDataFixture.ClientDatabase;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Client_list_and_show_find_the_client_by_id_or_database_name()
    {
        var data = portal.NewDataDirectory();

        var text = Expect.Ok(await Cli.RunAsync(Expect.On(data, "client", "list"), Ct));
        var list = Expect.Ok(await Cli.RunAsync(Expect.On(data, "client", "list", "--json"), Ct)).Json;
        var byName = Expect.Ok(await Cli.RunAsync(Expect.On(data, "client", "show", Shop, "--json"), Ct)).Json;
        var byId = Expect.Ok(await Cli.RunAsync(Expect.On(data, "client", "show", "1", "--json"), Ct)).Json;
        var missing = await Cli.RunAsync(Expect.On(data, "client", "show", "nobody.localhost"), Ct);

        Assert.Matches(@"(?m)^1\s+shop\.localhost\s+open\s+Default\s+Me", text.Stdout);
        Assert.Equal(Shop, Assert.Single(list.EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal(byName.GetRawText(), byId.GetRawText());
        Assert.Equal("Default", byName.GetProperty("plan_id")[1].GetString());
        Expect.Failure(missing, 3, "nobody.localhost");
    }

    [Fact]
    public async Task Suspend_and_resume_change_the_tenant_and_its_client_record()
    {
        var data = portal.NewDataDirectory();

        var suspended = Expect.Ok(await Cli.RunAsync(Expect.On(data, "client", "suspend", Shop, "--json"), Ct)).Json;
        var afterSuspend = Expect.Ok(await Cli.RunAsync(Expect.On(data, "client", "show", Shop, "--json"), Ct)).Json;
        Expect.Ok(await Cli.RunAsync(Expect.On(data, "client", "resume", "1"), Ct));
        var afterResume = Expect.Ok(await Cli.RunAsync(Expect.On(data, "client", "show", Shop, "--json"), Ct)).Json;

        Assert.Contains("saas_client.suspended", suspended.GetProperty("report").GetProperty(Shop).GetProperty("params").GetRawText(), StringComparison.Ordinal);
        Assert.True(afterSuspend.GetProperty("suspended").GetBoolean());
        Assert.Equal("pending", afterSuspend.GetProperty("state").GetString());
        Assert.False(afterResume.GetProperty("suspended").GetBoolean());
    }

    [Fact]
    public async Task Limits_are_shown_and_changed_and_negative_or_malformed_values_are_usage_errors()
    {
        var data = portal.NewDataDirectory();

        var before = Expect.Ok(await Cli.RunAsync(Expect.On(data, "client", "limits", Shop, "--json"), Ct)).Json;
        Expect.Ok(await Cli.RunAsync(Expect.On(data, "client", "limits", Shop, "--max-users", "5", "--storage-limit", "100", "--expires", "2030-01-31"), Ct));
        var after = Expect.Ok(await Cli.RunAsync(Expect.On(data, "client", "limits", Shop, "--json"), Ct)).Json;
        var negative = await Cli.RunAsync(Expect.On(data, "client", "limits", Shop, "--max-users", "-2"), Ct);
        var badDate = await Cli.RunAsync(Expect.On(data, "client", "limits", Shop, "--expires", "tomorrow"), Ct);

        Assert.Equal(0, before.GetProperty("max_users").GetInt32());
        Assert.Equal(5, after.GetProperty("max_users").GetInt32());
        Assert.Equal(100, after.GetProperty("total_storage_limit").GetInt32());
        Assert.Equal("2030-01-31 00:00:00", after.GetProperty("expiration_datetime").GetString());
        Expect.Failure(negative, 2, "--max-users");
        Expect.Failure(badDate, 2, "tomorrow");
    }

    [Fact]
    public async Task Install_and_uninstall_change_the_tenants_modules_and_an_unknown_addon_fails()
    {
        var data = portal.NewDataDirectory();

        var installed = Expect.Ok(await Cli.RunAsync(Expect.On(data, "client", "install", Shop, "fleet"), Ct));
        var withFleet = await StateOfAsync(data, "fleet");
        Expect.Ok(await Cli.RunAsync(Expect.On(data, "client", "uninstall", Shop, "fleet"), Ct));
        var withoutFleet = await StateOfAsync(data, "fleet");
        var unknown = await Cli.RunAsync(Expect.On(data, "client", "install", Shop, "no_such_addon"), Ct);
        var none = await Cli.RunAsync(Expect.On(data, "client", "install", Shop), Ct);

        Assert.Contains("fleet", installed.Stdout, StringComparison.Ordinal);
        Assert.Equal("installed", withFleet);
        Assert.Equal("uninstalled", withoutFleet);
        Expect.Failure(unknown, 1, "no_such_addon");
        Expect.Failure(none, 2, "client install --help");
    }

    [Fact]
    public async Task Delete_drops_the_tenant_and_hides_the_client_and_a_second_delete_exits_3()
    {
        var data = portal.NewDataDirectory();

        var deleted = Expect.Ok(await Cli.RunAsync(Expect.On(data, "client", "delete", Shop, "--json"), Ct)).Json;
        var clients = Expect.Ok(await Cli.RunAsync(Expect.On(data, "client", "list", "--json"), Ct)).Json;
        var everything = Expect.Ok(await Cli.RunAsync(Expect.On(data, "client", "list", "--all", "--json"), Ct)).Json;
        var databases = Expect.Ok(await Cli.RunAsync(Expect.On(data, "db", "list"), Ct));
        var again = await Cli.RunAsync(Expect.On(data, "client", "delete", Shop), Ct);

        Assert.Equal("deleted", deleted.GetProperty("state").GetString());
        Assert.Empty(clients.EnumerateArray());
        Assert.Equal("deleted", Assert.Single(everything.EnumerateArray()).GetProperty("state").GetString());
        Assert.DoesNotContain(Shop, databases.Stdout, StringComparison.Ordinal);
        Expect.Failure(again, 3, Shop);
    }

    [Fact]
    public async Task Staging_makes_a_copy_marked_as_the_sources_that_expires_after_the_days_asked_for()
    {
        var data = portal.NewDataDirectory();
        const string copyName = "shop-staging.localhost";

        var before = DateTime.UtcNow;
        var copy = Expect.Ok(await Cli.RunAsync(Expect.On(data, "client", "staging", Shop, "--expiry-days", "2", "--json"), Ct)).Json;
        var shown = Expect.Ok(await Cli.RunAsync(Expect.On(data, "client", "show", copyName, "--json"), Ct)).Json;
        var databases = Expect.Ok(await Cli.RunAsync(Expect.On(data, "db", "list"), Ct));
        var tooShort = await Cli.RunAsync(Expect.On(data, "client", "staging", Shop, "--expiry-days", "0"), Ct);

        Assert.Equal(copyName, copy.GetProperty("name").GetString());
        Assert.Equal(Shop, shown.GetProperty("staging_of_id")[1].GetString());
        var expires = DateTime.ParseExact(copy.GetProperty("expiration_datetime").GetString()!, "yyyy-MM-dd HH:mm:ss",
            System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);
        Assert.InRange(expires, before.AddDays(2).AddMinutes(-1), DateTime.UtcNow.AddDays(2).AddMinutes(1));
        Assert.Contains(copyName, databases.Stdout, StringComparison.Ordinal);
        Expect.Failure(tooShort, 1, "expiry_days");
    }

    private static async Task<string?> StateOfAsync(string data, string module)
    {
        var modules = Expect.Ok(await Cli.RunAsync(Expect.On(data, "addons", "list", "--db", Shop, "--json"), Ct)).Json;
        return modules.EnumerateArray().Where(m => m.GetProperty("name").GetString() == module)
            .Select(m => m.GetProperty("state").GetString()).SingleOrDefault();
    }
}
