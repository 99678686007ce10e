using SaasPortal.Testing;

namespace SaasPortal.Cli.Tests;

/// <summary>
/// A data directory as an operator has it after a few days: <c>serve</c> ran once (portal, template, plan 1), a
/// customer signed up over XML-RPC and got the client database <see cref="ClientDatabase"/>. Made once; each test
/// works on its own copy, so tests that change things stay independent.
/// </summary>
public sealed class PortalDataFixture : IAsyncLifetime
{
    public const string ClientDatabase = "shop.localhost";
    public const string CustomerLogin = "me@example.com";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "saasportal-cli-" + Guid.NewGuid().ToString("N")[..8]);
    private int _copies;

    private string Template => Path.Combine(_root, "template");

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await ServerProcess.StartAsync(Template, [], ct);
        var result = await PythonScript.RunAsync("""
            import sys, xmlrpc.client
            url, db = sys.argv[1], 'portal'
            common = xmlrpc.client.ServerProxy(url + '/xmlrpc/2/common')
            models = xmlrpc.client.ServerProxy(url + '/xmlrpc/2/object')
            uid = common.authenticate(db, 'admin', 'admin', {})
            models.execute_kw(db, uid, 'admin', 'res.users', 'signup', [{'login': sys.argv[3], 'name': 'Me', 'password': 'a long password'}])
            me = common.authenticate(db, sys.argv[3], 'a long password', {})
            models.execute_kw(db, uid, 'admin', 'saas_portal.plan', 'create_new_database', [1],
                              {'dbname': sys.argv[2], 'user_id': me, 'owner_password': 'owner secret'})
            print('ok')
            """, [server.Url, ClientDatabase, CustomerLogin], ct);
        Assert.True(result.ExitCode == 0 && result.Output.Contains("ok", StringComparison.Ordinal), result.ToString());
    }

    /// <summary>A private copy of the data directory, deleted with the fixture.</summary>
    public string NewDataDirectory()
    {
        var target = Path.Combine(_root, "copy-" + Interlocked.Increment(ref _copies));
        foreach (var file in Directory.EnumerateFiles(Template, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(Template, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }

    /// <summary>
    /// What an older release leaves behind in the client database of <paramref name="data"/>: access_apps installed at
    /// a version its files no longer have.
    /// </summary>
    public static async Task MakeAccessAppsOutdatedAsync(string data, CancellationToken cancellationToken)
    {
        var outdated = await PythonScript.RunAsync("""
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.execute("UPDATE ir_module_module SET latest_version = '0.0.1' WHERE name = 'access_apps' AND state = 'installed'")
            db.commit()
            print(db.total_changes)
            """, [Path.Combine(data, "db", ClientDatabase + ".sqlite")], cancellationToken);
        Assert.True(outdated.ExitCode == 0 && outdated.Output.Trim() == "1", outdated.ToString());
    }

    /// <summary>An empty folder for a data directory that does not exist yet.</summary>
    public string NewEmptyDirectory() => Path.Combine(_root, "empty-" + Interlocked.Increment(ref _copies));

    public ValueTask DisposeAsync()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}
