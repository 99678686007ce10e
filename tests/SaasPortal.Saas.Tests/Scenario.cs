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
    public static async Task RunAsync(ServerFixture fixture, string file, string scenario, TimeSpan? timeout = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = Path.Combine(AppContext.BaseDirectory, "Scripts");
        var common = await File.ReadAllTextAsync(Path.Combine(directory, "saas_common.py"), ct);
        var body = await File.ReadAllTextAsync(Path.Combine(directory, file), ct);
        // Short: the scripts append their own suffixes and a database name has at most 63 characters.
        var stem = fixture.NewDatabaseName("s");

        var result = await PythonScript.RunAsync(common + "\n" + body, [fixture.Url, fixture.PortalDatabase, stem, scenario], ct,
            timeout ?? TimeSpan.FromMinutes(4));

        Assert.True(result.ExitCode == 0, result + "\n--- server (tail)\n" + Tail(fixture.Server.Output));
        Assert.Contains("ok " + scenario, result.Output, StringComparison.Ordinal);
    }

    private static string Tail(string text) => text.Length <= 6000 ? text : text[^6000..];
}
