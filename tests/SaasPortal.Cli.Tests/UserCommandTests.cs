using SaasPortal.Testing;

namespace SaasPortal.Cli.Tests;

/// <summary><c>saasportal user passwd</c>: the password comes from standard input and works at the next login.</summary>
public sealed class UserCommandTests(PortalDataFixture portal)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Passwd_sets_a_password_the_server_then_accepts_and_never_prints_it()
    {
        var data = portal.NewDataDirectory();
        const string password = "correct horse battery staple";

        var changed = Expect.Ok(await Cli.RunAsync(Expect.On(data, "user", "passwd", PortalDataFixture.CustomerLogin, "--db", PortalDataFixture.ClientDatabase, "--json"),
            Ct, stdin: password + "\n"));
        await using var server = await ServerProcess.StartAsync(data, [], Ct);
        var login = await PythonScript.RunAsync("""
            import sys, xmlrpc.client
            common = xmlrpc.client.ServerProxy(sys.argv[1] + '/xmlrpc/2/common')
            print(common.authenticate(sys.argv[2], sys.argv[3], sys.argv[4], {}), common.authenticate(sys.argv[2], sys.argv[3], 'owner secret', {}))
            """, [server.Url, PortalDataFixture.ClientDatabase, PortalDataFixture.CustomerLogin, password], Ct);

        Assert.Equal(PortalDataFixture.CustomerLogin, changed.Json.GetProperty("login").GetString());
        Assert.DoesNotContain(password, changed.Stdout + changed.Stderr, StringComparison.Ordinal);
        Assert.True(login.ExitCode == 0, login.ToString());
        // The new password logs in (a uid), the old one no longer does (False).
        Assert.Matches(@"^\d+ False$", login.Output.Trim());
    }

    [Fact]
    public async Task Passwd_for_an_unknown_login_or_database_exits_3_and_without_a_password_exits_2()
    {
        var data = portal.NewDataDirectory();

        var unknownLogin = await Cli.RunAsync(Expect.On(data, "user", "passwd", "nobody"), Ct, stdin: "x\n");
        var unknownDatabase = await Cli.RunAsync(Expect.On(data, "user", "passwd", "admin", "--db", "absent"), Ct, stdin: "x\n");
        var empty = await Cli.RunAsync(Expect.On(data, "user", "passwd", "admin"), Ct, stdin: "");

        Expect.Failure(unknownLogin, 3, "nobody");
        Expect.Failure(unknownDatabase, 3, "absent");
        Expect.Failure(empty, 2, "password");
    }
}
