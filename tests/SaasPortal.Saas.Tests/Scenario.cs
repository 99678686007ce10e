using SaasPortal.Testing;

namespace SaasPortal.Saas.Tests;

/// <summary>
/// Runs one scenario of a Python script from Scripts/ against the fixture's server: the script is prefixed with
/// Scripts/saas_common.py (helpers for the portal, tenants and web sessions) and gets the server URL, the portal
/// database, a fresh database-name stem and the scenario's name as arguments. A scenario passes when the script
/// exits 0 after printing "ok &lt;scenario&gt;".
/// </summary>
internal static class Scenario
{
    public static Task RunAsync(ServerFixture fixture, string file, string scenario, TimeSpan? timeout = null) =>
        // Short stem: the scripts append their own suffixes and a database name has at most 63 characters.
        RunAsync(fixture.Server, fixture.PortalDatabase, fixture.NewDatabaseName("s"), file, scenario, timeout);

    /// <summary>Runs a scenario against <paramref name="server"/>, naming what it creates after <paramref name="stem"/>.</summary>
    public static async Task RunAsync(ServerProcess server, string portalDatabase, string stem, string file, string scenario, TimeSpan? timeout = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = Path.Combine(AppContext.BaseDirectory, "Scripts");
        var common = await File.ReadAllTextAsync(Path.Combine(directory, "saas_common.py"), ct);
        var body = await File.ReadAllTextAsync(Path.Combine(directory, file), ct);

        var result = await PythonScript.RunAsync(common + "\n" + body, [server.Url, portalDatabase, stem, scenario], ct,
            timeout ?? TimeSpan.FromMinutes(4));

        Assert.True(result.ExitCode == 0, result + "\n--- server (tail)\n" + Tail(server.Output));
        Assert.Contains("ok " + scenario, result.Output, StringComparison.Ordinal);
    }

    private static string Tail(string text) => text.Length <= 6000 ? text : text[^6000..];
}
