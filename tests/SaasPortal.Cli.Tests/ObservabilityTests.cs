using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SaasPortal.Testing;

namespace SaasPortal.Cli.Tests;

/// <summary>Health endpoints, Prometheus metrics and log scopes of the real server, over HTTP.</summary>
public sealed partial class ObservabilityTests(PortalDataFixture portal)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Live_and_ready_answer_healthy_with_each_check_named()
    {
        await using var server = await ServerProcess.StartAsync(portal.NewDataDirectory(), [], Ct);
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };

        using var live = await http.GetAsync("/health/live", Ct);
        using var ready = await http.GetAsync("/health/ready", Ct);
        var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync(Ct)).RootElement;

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("portal_database").GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("disk_space").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_fails_while_live_holds_when_the_portal_database_is_gone()
    {
        var data = portal.NewDataDirectory();
        await using var server = await ServerProcess.StartAsync(data, [], Ct);
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        foreach (var file in Directory.EnumerateFiles(Path.Combine(data, "db"), "portal.sqlite*"))
        {
            File.Move(file, file + ".away");
        }

        using var ready = await http.GetAsync("/health/ready", Ct);
        using var live = await http.GetAsync("/health/live", Ct);
        var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync(Ct)).RootElement;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Unhealthy", body.GetProperty("checks").GetProperty("portal_database").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task Ready_fails_when_the_data_directory_has_less_free_space_than_configured()
    {
        await using var server = await ServerProcess.StartAsync(portal.NewDataDirectory(), [], Ct,
            new Dictionary<string, string> { ["SAASPORTAL__MINFREEDISKMEGABYTES"] = "2000000000" });
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };

        using var ready = await http.GetAsync("/health/ready", Ct);
        var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync(Ct)).RootElement;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Unhealthy", body.GetProperty("checks").GetProperty("disk_space").GetProperty("status").GetString());
        Assert.Contains("below 2000000000 MB", body.GetProperty("checks").GetProperty("disk_space").GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_rpc_call_failed_logins_tenants_and_storage_appear_on_metrics()
    {
        await using var server = await ServerProcess.StartAsync(portal.NewDataDirectory(), [], Ct);
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        var calls = await PythonScript.RunAsync("""
            import sys, xmlrpc.client
            common = xmlrpc.client.ServerProxy(sys.argv[1] + '/xmlrpc/2/common')
            models = xmlrpc.client.ServerProxy(sys.argv[1] + '/xmlrpc/2/object')
            uid = common.authenticate('portal', 'admin', 'admin', {})
            models.execute_kw('portal', uid, 'admin', 'res.partner', 'search_read', [[]], {'fields': ['name']})
            print(common.authenticate('portal', 'admin', 'wrong password', {}))
            """, [server.Url], Ct);
        Assert.True(calls.ExitCode == 0 && calls.Output.Trim() == "False", calls.ToString());

        // The scrape endpoint caches its answer briefly, and the gauges are measured in the background: poll.
        string metrics = "";
        for (var attempt = 0; attempt < 40; attempt++)
        {
            metrics = await http.GetStringAsync("/metrics", Ct);
            if (Count(metrics, "saasportal_rpc_duration_seconds_count", "res.partner", "search_read") >= 1 && metrics.Contains("saasportal_tenants", StringComparison.Ordinal))
            {
                break;
            }

            await Task.Delay(500, Ct);
        }

        Assert.True(Count(metrics, "saasportal_rpc_duration_seconds_count", "res.partner", "search_read") == 1, metrics);
        Assert.True(Count(metrics, "saasportal_rpc_duration_seconds_count", "", "authenticate") == 2, metrics);
        Assert.Matches(@"(?m)^saasportal_logins_failed_total\{[^}]*\} 1\b", metrics);
        Assert.Matches(@"(?m)^saasportal_tenants\{[^}]*state=""open""[^}]*\} 1\b", metrics);
        Assert.Matches(@"(?m)^saasportal_storage_used_bytes\{[^}]*kind=""database""[^}]*\} [1-9]", metrics);
        Assert.Matches(@"(?m)^saasportal_storage_free_bytes\{[^}]*\} [1-9]", metrics);
    }

    [Fact]
    public async Task Log_lines_carry_the_request_id_and_the_database_of_the_call()
    {
        await using var server = await ServerProcess.StartAsync(portal.NewDataDirectory(), [], Ct);
        const string call = "<?xml version='1.0'?><methodCall><methodName>authenticate</methodName><params>"
            + "<param><value><string>portal</string></value></param><param><value><string>nobody</string></value></param>"
            + "<param><value><string>secret-password</string></value></param><param><value><struct></struct></value></param></params></methodCall>";
        using var http = new HttpClient();
        using var content = new StringContent(call, Encoding.UTF8, "text/xml");
        using var response = await http.PostAsync(server.Url + "/xmlrpc/2/common", content, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        string output = "";
        for (var attempt = 0; attempt < 20 && !output.Contains("Login failed", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(250, Ct);
            output = server.Output;
        }

        // The console formatter writes the scopes on the line after the category: "=> … RequestId:… => Database:portal".
        var entry = LogEntry().Match(output);
        Assert.True(entry.Success, output);
        Assert.Contains("RequestId:", entry.Value, StringComparison.Ordinal);
        Assert.Contains("Database:portal", entry.Value, StringComparison.Ordinal);
        Assert.Contains("login:nobody", entry.Value, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-password", output, StringComparison.Ordinal);
    }

    /// <summary>The value of a Prometheus sample of <paramref name="metric"/> for a model and method, or -1.</summary>
    private static double Count(string metrics, string metric, string model, string method)
    {
        foreach (var line in metrics.Split('\n'))
        {
            if (line.StartsWith(metric + "{", StringComparison.Ordinal)
                && line.Contains($"saasportal_model=\"{model}\"", StringComparison.Ordinal)
                && line.Contains($"rpc_method=\"{method}\"", StringComparison.Ordinal))
            {
                return double.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }

    [GeneratedRegex(@"warn: SaasPortal\.Server\.Observability\.MeasuredOrmGateway\[\d+\]\s+=>[^\n]*\n\s+Login failed[^\n]*")]
    private static partial Regex LogEntry();
}
