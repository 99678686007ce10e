using System.Diagnostics;
using SaasPortal.Security.Tests.Support;
using SaasPortal.Testing;

namespace SaasPortal.Security.Tests.Authentication;

/// <summary>A server of its own with a short back-off (3 free failures, then 2 s doubling), so the tests can wait it out.</summary>
public sealed class ThrottledServerFixture : IAsyncLifetime
{
    public const int FreeFailures = 3;

    public static readonly TimeSpan BaseDelay = TimeSpan.FromSeconds(2);

    private ServerProcess? _server;

    public ServerProcess Server => _server ?? throw new InvalidOperationException("not started");

    public string MasterPassword { get; private set; } = "";

    public string Prefix { get; } = "t" + Guid.NewGuid().ToString("N")[..7];

    public async ValueTask InitializeAsync()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "saasportal-sec-" + Prefix);
        _server = await ServerProcess.StartAsync(dataDirectory, ["--portal-db", Prefix + "-portal"], TestContext.Current.CancellationToken,
            new Dictionary<string, string>
            {
                ["SaasPortal__LoginThrottle__FreeFailures"] = FreeFailures.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["SaasPortal__LoginThrottle__BaseDelay"] = BaseDelay.ToString(),
                ["SaasPortal__LoginThrottle__MaxDelay"] = "00:01:00",
            });
        MasterPassword = _server.ReadMasterPassword();
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
            Directory.Delete(_server.DataDirectory, recursive: true);
        }
    }
}

/// <summary>
/// Failed logins are rate-limited per (database, login, client address) with a doubling wait, on every route that
/// checks a password; refused attempts are logged without the password, and no password or token reaches the
/// logs or a fault.
/// </summary>
public sealed class LoginThrottleTests(ThrottledServerFixture fixture) : IClassFixture<ThrottledServerFixture>
{
    private const string TooMany = "Too many login failures";

    [Fact]
    public async Task Failed_authentications_make_the_same_login_wait_but_not_another_one()
    {
        var ct = TestContext.Current.CancellationToken;
        using var rpc = new JsonRpcCaller(fixture.Server.Url);
        var (db, password) = await NewDatabaseAsync(rpc, "auth", ct);

        for (var i = 0; i <= ThrottledServerFixture.FreeFailures; i++)
        {
            Assert.Equal(false, await Authenticate(rpc, db, "admin", $"guess {i} {password}", ct));
        }

        // Locked: even the right password is not checked, while another login of the same database still is.
        var refused = await Assert.ThrowsAsync<RpcFault>(() => Authenticate(rpc, db, "admin", password, ct));
        Assert.Contains(TooMany, refused.Text, StringComparison.Ordinal);
        Assert.Equal(false, await Authenticate(rpc, db, "someone-else", "x", ct));

        await WaitOutAsync(ThrottledServerFixture.BaseDelay, ct);
        Assert.IsType<int>(await Authenticate(rpc, db, "admin", password, ct));
        // The success cleared the count: a new mistake is checked at once.
        Assert.Equal(false, await Authenticate(rpc, db, "admin", "one more slip", ct));
    }

    [Fact]
    public async Task The_wait_doubles_with_each_further_failure()
    {
        var ct = TestContext.Current.CancellationToken;
        using var rpc = new JsonRpcCaller(fixture.Server.Url);
        var (db, password) = await NewDatabaseAsync(rpc, "double", ct);
        for (var i = 0; i <= ThrottledServerFixture.FreeFailures; i++)
        {
            await Authenticate(rpc, db, "admin", "bad " + i, ct);
        }

        await WaitOutAsync(ThrottledServerFixture.BaseDelay, ct);
        Assert.Equal(false, await Authenticate(rpc, db, "admin", "bad again", ct));
        // Second locked failure: 2 × base. After one base it is still locked.
        await WaitOutAsync(ThrottledServerFixture.BaseDelay, ct);
        var refused = await Assert.ThrowsAsync<RpcFault>(() => Authenticate(rpc, db, "admin", password, ct));
        Assert.Contains(TooMany, refused.Text, StringComparison.Ordinal);
        await WaitOutAsync(ThrottledServerFixture.BaseDelay, ct);
        Assert.IsType<int>(await Authenticate(rpc, db, "admin", password, ct));
    }

    [Fact]
    public async Task Wrong_passwords_in_execute_kw_make_that_uid_wait()
    {
        var ct = TestContext.Current.CancellationToken;
        using var rpc = new JsonRpcCaller(fixture.Server.Url);
        var (db, password) = await NewDatabaseAsync(rpc, "kw", ct);
        var uid = Assert.IsType<int>(await Authenticate(rpc, db, "admin", password, ct));

        for (var i = 0; i <= ThrottledServerFixture.FreeFailures; i++)
        {
            var denied = await Assert.ThrowsAsync<RpcFault>(() => rpc.ExecuteKwAsync(db, uid, "nope " + i, "res.partner", "search_count", [new List<object?>()], null, ct));
            Assert.DoesNotContain(TooMany, denied.Text, StringComparison.Ordinal);
        }

        var refused = await Assert.ThrowsAsync<RpcFault>(() => rpc.ExecuteKwAsync(db, uid, password, "res.partner", "search_count", [new List<object?>()], null, ct));
        Assert.Contains(TooMany, refused.Text, StringComparison.Ordinal);
        await WaitOutAsync(ThrottledServerFixture.BaseDelay, ct);
        Assert.IsType<int>(await rpc.ExecuteKwAsync(db, uid, password, "res.partner", "search_count", [new List<object?>()], null, ct));
    }

    [Fact]
    public async Task Web_session_authentication_is_throttled_too()
    {
        var ct = TestContext.Current.CancellationToken;
        using var rpc = new JsonRpcCaller(fixture.Server.Url);
        var (db, password) = await NewDatabaseAsync(rpc, "web", ct);
        Task<object?> Web(string pw) => rpc.PostAsync("/web/session/authenticate", new() { ["db"] = db, ["login"] = "admin", ["password"] = pw }, ct);

        for (var i = 0; i <= ThrottledServerFixture.FreeFailures; i++)
        {
            await Assert.ThrowsAsync<RpcFault>(() => Web("web guess " + i));
        }

        var refused = await Assert.ThrowsAsync<RpcFault>(() => Web(password));
        Assert.Contains(TooMany, refused.Text, StringComparison.Ordinal);
        await WaitOutAsync(ThrottledServerFixture.BaseDelay, ct);
        Assert.IsType<Dictionary<string, object?>>(await Web(password));
    }

    [Theory]
    [InlineData("portal")]
    [InlineData("tenant")]
    public async Task The_web_login_forms_are_throttled_like_rpc(string form)
    {
        var ct = TestContext.Current.CancellationToken;
        using var rpc = new JsonRpcCaller(fixture.Server.Url);
        string db, password, loginPath;
        if (form == "portal")
        {
            (db, password, loginPath) = (fixture.Prefix + "-portal", "admin", "/web/login");
        }
        else
        {
            (db, password) = await NewDatabaseAsync(rpc, "form", ct);
            loginPath = $"/t/{db}/web/login";
        }

        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new System.Net.CookieContainer() })
        {
            BaseAddress = new Uri(fixture.Server.Url),
        };

        async Task<(System.Net.HttpStatusCode Status, string Body)> SubmitAsync(string pw)
        {
            // A real form post: the page's antiforgery field and cookie, then the credentials.
            var page = await browser.GetStringAsync(loginPath, ct);
            var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"(__[^\"]+)\" value=\"([^\"]+)\"");
            Assert.True(token.Success, "the login page has no antiforgery field");
            using var response = await browser.PostAsync(loginPath, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                [token.Groups[1].Value] = System.Net.WebUtility.HtmlDecode(token.Groups[2].Value),
                ["login"] = "admin",
                ["password"] = pw,
            }), ct);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        }

        for (var i = 0; i <= ThrottledServerFixture.FreeFailures; i++)
        {
            var (status, body) = await SubmitAsync($"form guess {i}");
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, status);
            Assert.Contains("Wrong login/password", body, StringComparison.Ordinal);
        }

        // Locked: the right password is refused without being checked, and the page says why.
        var locked = await SubmitAsync(password);
        Assert.Equal(System.Net.HttpStatusCode.TooManyRequests, locked.Status);
        Assert.Contains(TooMany, locked.Body, StringComparison.Ordinal);
        // The form and RPC share one count: the same login is locked over RPC too.
        var refused = await Assert.ThrowsAsync<RpcFault>(() => Authenticate(rpc, db, "admin", password, ct));
        Assert.Contains(TooMany, refused.Text, StringComparison.Ordinal);

        await WaitOutAsync(ThrottledServerFixture.BaseDelay, ct);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, (await SubmitAsync(password)).Status);
    }

    [Fact]
    public async Task Wrong_master_passwords_make_the_database_manager_wait()
    {
        var ct = TestContext.Current.CancellationToken;
        using var rpc = new JsonRpcCaller(fixture.Server.Url);
        var missing = fixture.Prefix + "-never-created";
        try
        {
            for (var i = 0; i <= ThrottledServerFixture.FreeFailures; i++)
            {
                var denied = await Assert.ThrowsAsync<RpcFault>(() => rpc.CallAsync("db", "drop", ["master guess " + i, missing], ct));
                Assert.Contains("AccessDenied", denied.Text, StringComparison.Ordinal);
                Assert.DoesNotContain(TooMany, denied.Text, StringComparison.Ordinal);
            }

            var refused = await Assert.ThrowsAsync<RpcFault>(() => rpc.CallAsync("db", "drop", [fixture.MasterPassword, missing], ct));
            Assert.Contains(TooMany, refused.Text, StringComparison.Ordinal);
        }
        finally
        {
            // Other tests of this class use the master password.
            await WaitOutAsync(ThrottledServerFixture.BaseDelay, ct);
        }

        Assert.Equal(false, await rpc.CallAsync("db", "drop", [fixture.MasterPassword, missing], ct));
    }

    [Fact]
    public async Task Passwords_and_tokens_never_reach_the_log_or_a_fault()
    {
        var ct = TestContext.Current.CancellationToken;
        using var rpc = new JsonRpcCaller(fixture.Server.Url);
        var (db, password) = await NewDatabaseAsync(rpc, "log", ct);
        var wrong = "wrong-" + Guid.NewGuid().ToString("N");
        var wrongMaster = "master-" + Guid.NewGuid().ToString("N");
        var faults = new List<string>();

        async Task Collect(Func<Task<object?>> call)
        {
            try
            {
                await call();
            }
            catch (RpcFault fault)
            {
                faults.Add(fault.Text);
            }
        }

        await Collect(() => Authenticate(rpc, db, "admin", wrong, ct));
        await Collect(() => rpc.ExecuteKwAsync(db, 1, wrong, "res.partner", "search", [new List<object?>()], null, ct));
        await Collect(() => rpc.ExecuteKwAsync(db, 1, password, "res.partner", "no_such_method", [wrong], null, ct));
        await Collect(() => rpc.ExecuteKwAsync(db, 1, password, "res.users", "write", [new List<object?> { 1 }, new Dictionary<string, object?> { ["password"] = "" }], null, ct));
        await Collect(() => rpc.PostAsync("/web/session/authenticate", new() { ["db"] = db, ["login"] = "admin", ["password"] = wrong }, ct));
        await Collect(() => rpc.CallAsync("db", "dump", [wrongMaster, db, "zip"], ct));
        await Collect(() => rpc.CallAsync("db", "change_admin_password", [wrongMaster, wrong], ct));
        await Collect(() => rpc.CallAsync("db", "create_database", [fixture.MasterPassword, "Bad Name!", false, "en_US", wrong], ct));
        var tokenPortal = await rpc.ExecuteKwAsync(fixture.Prefix + "-portal", 1, "admin", "ir.config_parameter", "get_param", ["saas_portal.token_secret"], null, ct);

        // Give the logger a moment to flush what it was handed.
        await Task.Delay(500, ct);
        var log = fixture.Server.Output;
        Assert.Contains("Login failed for admin on " + db, log, StringComparison.Ordinal);
        foreach (var secret in new[] { password, wrong, wrongMaster, fixture.MasterPassword })
        {
            Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
            Assert.All(faults, fault => Assert.DoesNotContain(secret, fault, StringComparison.Ordinal));
        }

        if (tokenPortal is string { Length: > 0 } tokenSecret)
        {
            Assert.DoesNotContain(tokenSecret, log, StringComparison.Ordinal);
        }
    }

    private static Task<object?> Authenticate(JsonRpcCaller rpc, string db, string login, string password, CancellationToken ct) =>
        rpc.CallAsync("common", "authenticate", [db, login, password, new Dictionary<string, object?>()], ct);

    private async Task<(string Db, string Password)> NewDatabaseAsync(JsonRpcCaller rpc, string hint, CancellationToken ct)
    {
        var db = $"{fixture.Prefix}-{hint}";
        var password = "admin password " + Guid.NewGuid().ToString("N");
        Assert.Equal(true, await rpc.CallAsync("db", "create_database", [fixture.MasterPassword, db, false, "en_US", password], ct));
        return (db, password);
    }

    private static async Task WaitOutAsync(TimeSpan delay, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await Task.Delay(delay + TimeSpan.FromMilliseconds(300), ct);
        Assert.True(clock.Elapsed >= delay);
    }
}
