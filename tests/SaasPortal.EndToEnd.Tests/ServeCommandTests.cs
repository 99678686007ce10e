using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using SaasPortal.Server.Hosting;
using SaasPortal.Testing;

namespace SaasPortal.EndToEnd.Tests;

/// <summary>The serve command line and its configuration sources, run as the real process.</summary>
public sealed class ServeCommandTests
{
    [Theory]
    [InlineData("--bogus", "--bogus")]
    [InlineData("--db-backend mysql", "mysql")]
    [InlineData("--db-backend postgres", "--pg")]
    [InlineData("--pg Foo=bar", "--pg")]
    [InlineData("--pg-pooler Host=127.0.0.1;Port=6432", "--pg-pooler needs --pg")]
    [InlineData("--db-backend postgres --pg Host=127.0.0.1 --pg-pooler Foo=bar", "--pg-pooler")]
    [InlineData("--portal-db Bad/Name", "--portal-db")]
    [InlineData("--max-request-body-size -5", "--max-request-body-size")]
    [InlineData("--urls ftp://localhost:21", "--urls")]
    [InlineData("--addons-path /nonexistent/addons", "--addons-path")]
    [InlineData("--urls http://0.0.0.0:18069", "default admin password")]
    [InlineData("--urls http://*:18069", "default admin password")]
    public async Task Bad_options_give_one_clear_error_line_and_a_non_zero_exit(string arguments, string mentioned)
    {
        var (exitCode, stdout, stderr) = await RunAsync(["serve", .. arguments.Split(' ')], new Dictionary<string, string>());

        Assert.Equal(2, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("saasportal: ", line, StringComparison.Ordinal);
        Assert.Contains(mentioned, line, StringComparison.Ordinal);
        Assert.Equal("", stdout.Trim());
    }

    [Fact]
    public async Task Environment_variables_are_checked_like_options()
    {
        var (exitCode, _, stderr) = await RunAsync(["serve"], new Dictionary<string, string> { ["SAASPORTAL__URLS"] = "http://0.0.0.0:18069" });

        Assert.Equal(2, exitCode);
        Assert.Contains("default admin password", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_in_use_is_one_clear_error()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port;

        var (exitCode, _, stderr) = await RunAsync(["serve", "--urls", $"http://127.0.0.1:{port}"], new Dictionary<string, string>());

        Assert.Equal(1, exitCode);
        Assert.Contains($"cannot listen on http://127.0.0.1:{port}", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_pgbouncer_is_one_clear_error_without_the_password()
    {
        var (exitCode, _, stderr) = await RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--db-backend", "postgres",
            "--pg", "Host=127.0.0.1;Port=1;Username=saas;Password=never-printed", "--pg-pooler", "Host=127.0.0.1;Port=1;Timeout=2"], new Dictionary<string, string>());

        Assert.Equal(1, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("saasportal: ", StringComparison.Ordinal));
        Assert.Contains("--pg-pooler: cannot reach PostgreSQL through PgBouncer 127.0.0.1:1", line, StringComparison.Ordinal);
        Assert.DoesNotContain("never-printed", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_come_from_appsettings_then_environment_then_command_line()
    {
        var ct = TestContext.Current.CancellationToken;
        var dataDirectory = Path.Combine(Path.GetTempPath(), "saasportal-cfg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dataDirectory);
        try
        {
            // The server's working directory is the data directory, so this is the appsettings.json it reads.
            await File.WriteAllTextAsync(Path.Combine(dataDirectory, "appsettings.json"), JsonSerializer.Serialize(new
            {
                SaasPortal = new { PortalDb = "fromjson", MasterPassword = "master-from-json", AdminPassword = "x" },
            }), ct);
            var environment = new Dictionary<string, string> { ["SAASPORTAL__PORTALDB"] = "fromenv" };

            await using (var server = await ServerProcess.StartAsync(dataDirectory, [], ct, environment))
            {
                using var client = new JsonRpcClient(server.Url);
                var databases = (await client.CallAsync("db", "list", [], ct)).EnumerateArray().Select(e => e.GetString()).ToList();
                // The environment overrides appsettings.json (the portal may add databases of its own, e.g. a template).
                Assert.Contains("fromenv", databases);
                Assert.DoesNotContain("fromjson", databases);
                // The configured master password works and no password file is generated.
                Assert.False((await client.CallAsync("db", "drop", ["master-from-json", "absent"], ct)).GetBoolean());
                Assert.False(File.Exists(Path.Combine(dataDirectory, "master-password")));
            }

            await using (var server = await ServerProcess.StartAsync(dataDirectory, ["--portal-db", "fromcli"], ct, environment))
            {
                using var client = new JsonRpcClient(server.Url);
                var databases = (await client.CallAsync("db", "list", [], ct)).EnumerateArray().Select(e => e.GetString()).ToList();
                Assert.Contains("fromcli", databases);
                Assert.DoesNotContain("fromjson", databases);
            }
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task First_start_generates_an_owner_only_master_password_that_is_never_logged()
    {
        var ct = TestContext.Current.CancellationToken;
        var dataDirectory = Path.Combine(Path.GetTempPath(), "saasportal-mp-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            string password;
            await using (var server = await ServerProcess.StartAsync(dataDirectory, [], ct))
            {
                var file = Path.Combine(dataDirectory, "master-password");
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
                password = server.ReadMasterPassword();
                Assert.True(password.Length >= 24);
                Assert.Contains(file, server.Output, StringComparison.Ordinal);
                Assert.DoesNotContain(password, server.Output, StringComparison.Ordinal);
            }

            // The second start reuses it.
            await using (var server = await ServerProcess.StartAsync(dataDirectory, [], ct))
            {
                Assert.Equal(password, server.ReadMasterPassword());
                using var client = new JsonRpcClient(server.Url);
                Assert.False((await client.CallAsync("db", "drop", [password, "absent"], ct)).GetBoolean());
            }
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Addons_in_an_addons_path_folder_are_listed_and_installable()
    {
        var ct = TestContext.Current.CancellationToken;
        var root = Directory.CreateTempSubdirectory("saasportal-addons-").FullName;
        var dataDirectory = Path.Combine(root, "data");
        var addons = Path.Combine(root, "addons");
        Directory.CreateDirectory(Path.Combine(addons, "x_notes"));
        await File.WriteAllTextAsync(Path.Combine(addons, "x_notes", "__manifest__.json"),
            """{ "name": "Operator Notes", "version": "1.0", "summary": "An operator's own addon", "depends": ["base"] }""", ct);
        try
        {
            await using var server = await ServerProcess.StartAsync(dataDirectory, ["--addons-path", addons], ct);
            using var client = new JsonRpcClient(server.Url);
            var db = "addons-" + Guid.NewGuid().ToString("N")[..6];
            await client.CallAsync("db", "create_database", [server.ReadMasterPassword(), db, false, "en_US", "pw"], ct);

            var found = await client.CallAsync("object", "execute_kw",
                [db, 1, "pw", "ir.module.module", "search_read", new object[] { new object[] { new object[] { "name", "=", "x_notes" } } },
                 new Dictionary<string, object> { ["fields"] = new[] { "state", "summary" } }], ct);
            var module = Assert.Single(found.EnumerateArray());
            Assert.Equal("uninstalled", module.GetProperty("state").GetString());
            Assert.Equal("An operator's own addon", module.GetProperty("summary").GetString());

            await client.CallAsync("object", "execute_kw",
                [db, 1, "pw", "ir.module.module", "button_immediate_install", new object[] { new[] { module.GetProperty("id").GetInt32() } }], ct);
            var state = await client.CallAsync("object", "execute_kw",
                [db, 1, "pw", "ir.module.module", "read", new object[] { new[] { module.GetProperty("id").GetInt32() } },
                 new Dictionary<string, object> { ["fields"] = new[] { "state" } }], ct);
            Assert.Equal("installed", state[0].GetProperty("state").GetString());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData("http://localhost:8069", true)]
    [InlineData("http://127.0.0.1:8069", true)]
    [InlineData("http://127.5.0.1:8069", true)]
    [InlineData("http://[::1]:8069", true)]
    [InlineData("http://0.0.0.0:8069", false)]
    [InlineData("http://*:8069", false)]
    [InlineData("http://+:8069", false)]
    [InlineData("http://[::]:8069", false)]
    [InlineData("http://example.com:8069", false)]
    [InlineData("https://10.1.2.3:443", false)]
    public void Only_loopback_addresses_count_as_local(string url, bool loopback) =>
        Assert.Equal(loopback, BindAddress.IsLoopback(url));

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string[] arguments, IReadOnlyDictionary<string, string> environment)
    {
        var ct = TestContext.Current.CancellationToken;
        var workingDirectory = Directory.CreateTempSubdirectory("saasportal-cli-").FullName;
        try
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = workingDirectory,
            };
            start.ArgumentList.Add(RepositoryPaths.ServerAssembly);
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            foreach (var (key, value) in environment)
            {
                start.Environment[key] = value;
            }

            using var process = Process.Start(start)!;
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(TimeSpan.FromSeconds(60));
            var stdout = process.StandardOutput.ReadToEndAsync(limit.Token);
            var stderr = process.StandardError.ReadToEndAsync(limit.Token);
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            return (process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            Directory.Delete(workingDirectory, recursive: true);
        }
    }
}
