using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SaasPortal.Mail.Tests;

/// <summary>Mail the portal sends for its own events, received by a real SMTP listener, with links followed against the real server.</summary>
[Collection(SqliteMailCollection.Name)]
public sealed partial class MailDeliveryTests(SqliteMailServerFixture fixture)
{
    private const string Password = "correct horse 1";

    [Fact]
    public async Task Signup_sends_a_confirmation_to_the_new_login_whose_link_opens_my_databases()
    {
        var (login, _) = await fixture.SignupAsync("welcome", Password, "Ada");

        var mail = await fixture.Smtp.WaitForAsync(login);
        Assert.Equal("Welcome to SaaS Portal", mail.Subject);
        Assert.Equal("portal@example.com", mail.EnvelopeFrom);
        Assert.Contains("Hello Ada", mail.Text, StringComparison.Ordinal);
        var link = Links(mail).Single(l => l.Contains("/my/databases", StringComparison.Ordinal));
        Assert.Equal(fixture.Url + "/my/databases", link);

        using var browser = new Browser();
        var login1 = await browser.SubmitAsync(fixture.Url + "/web/login", "/web/login", ("login", login), ("password", Password));
        Assert.Equal(HttpStatusCode.Redirect, login1.Status);
        var page = await browser.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("<h1>My databases</h1>", page.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_new_database_with_notify_user_mails_the_owner_a_sign_in_link_that_opens_the_tenant()
    {
        var (login, uid) = await fixture.SignupAsync("owner", Password);
        await fixture.Smtp.WaitForAsync(login);
        var database = fixture.NewName("shop");

        var created = await fixture.AdminAsync("saas_portal.plan", "create_new_database", [new[] { 1 }],
            new() { ["dbname"] = database, ["user_id"] = uid, ["notify_user"] = true });

        var mail = await fixture.Smtp.WaitForAsync(login, m => m.Subject.Contains(database, StringComparison.Ordinal));
        Assert.Equal($"Your database {database} is ready", mail.Subject);
        Assert.Contains($"Your login there is {login}", mail.Text, StringComparison.Ordinal);
        var signIn = Links(mail).Single(l => l.Contains("/saas_client/sso?access_token=", StringComparison.Ordinal));
        Assert.Equal(created!["url"]!.GetValue<string>(), signIn);

        using var browser = new Browser();
        var sso = await browser.GetAsync(signIn);
        Assert.Equal(HttpStatusCode.Redirect, sso.Status);
        var home = await browser.GetAsync(sso.Location!.AbsoluteUri);
        Assert.Equal(HttpStatusCode.OK, home.Status);
        Assert.Contains(database, home.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_new_database_without_notify_user_queues_no_mail()
    {
        var (login, uid) = await fixture.SignupAsync("quiet", Password);
        await fixture.AdminAsync("saas_portal.plan", "create_new_database", [new[] { 1 }], new() { ["dbname"] = fixture.NewName("quiet"), ["user_id"] = uid });

        // Queuing happens in the call's transaction, so the queue is complete when the call returns.
        var queued = await fixture.QueuedAsync(login);
        Assert.Equal(new[] { "signup" }, queued.Select(m => m!["template_code"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Password_reset_link_sets_a_new_password_once_and_the_old_one_stops_working()
    {
        var (login, _) = await fixture.SignupAsync("forgetful", Password);
        using var browser = new Browser();
        var requested = await browser.SubmitAsync(fixture.Url + "/web/reset_password", "/web/reset_password", ("login", login));
        Assert.Equal(HttpStatusCode.OK, requested.Status);

        var mail = await fixture.Smtp.WaitForAsync(login, m => m.Subject.StartsWith("Reset your", StringComparison.Ordinal));
        var link = Links(mail).Single(l => l.Contains("/web/reset_password/confirm?token=", StringComparison.Ordinal));
        Assert.StartsWith(fixture.Url, link, StringComparison.Ordinal);
        const string newPassword = "a brand new secret";
        var set = await browser.SubmitAsync(link, "/web/reset_password/confirm",
            ("token", Token(link)), ("password", newPassword), ("confirm_password", newPassword));
        Assert.Equal(HttpStatusCode.Redirect, set.Status);

        Assert.NotNull(await fixture.Rpc.LoginAsync(fixture.PortalDatabase, login, newPassword));
        Assert.Null(await fixture.Rpc.LoginAsync(fixture.PortalDatabase, login, Password));
        var again = await browser.GetAsync(link);
        Assert.Equal(HttpStatusCode.BadRequest, again.Status);
        Assert.Contains("invalid, expired or already used", again.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Password_reset_answers_the_same_for_unknown_logins_and_is_limited_per_login()
    {
        var (login, _) = await fixture.SignupAsync("limited", Password);
        using var browser = new Browser();
        var unknown = await browser.SubmitAsync(fixture.Url + "/web/reset_password", "/web/reset_password", ("login", fixture.NewName("nobody") + "@example.com"));
        var known = await browser.SubmitAsync(fixture.Url + "/web/reset_password", "/web/reset_password", ("login", login));
        Assert.Equal(unknown.Status, known.Status);
        Assert.Equal(Alert(unknown.Body), Alert(known.Body));

        for (var i = 0; i < 4; i++)
        {
            await browser.SubmitAsync(fixture.Url + "/web/reset_password", "/web/reset_password", ("login", login));
        }

        var resets = (await fixture.QueuedAsync(login)).Count(m => m!["template_code"]!.GetValue<string>() == "password_reset");
        Assert.Equal(3, resets);
    }

    [Fact]
    public async Task A_forged_or_tampered_reset_link_is_refused()
    {
        using var browser = new Browser();
        var forged = await browser.GetAsync(fixture.Url + "/web/reset_password/confirm?token=eyJEYXRhYmFzZSI6IngifQ.AAAA");
        Assert.Equal(HttpStatusCode.BadRequest, forged.Status);
        var missing = await browser.GetAsync(fixture.Url + "/web/reset_password/confirm");
        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
    }

    [Fact]
    public async Task Mail_waits_while_the_smtp_server_is_down_and_is_delivered_exactly_once_when_it_is_back()
    {
        await fixture.Smtp.StopAsync();
        string login;
        try
        {
            (login, _) = await fixture.SignupAsync("outage", Password);
            var waiting = await WaitForQueueAsync(login, m => m["attempts"]!.GetValue<int>() >= 1);
            Assert.Equal("outgoing", waiting["state"]!.GetValue<string>());
            Assert.False(string.IsNullOrEmpty(waiting["failure_reason"]?.GetValue<string>()));
            Assert.Empty(fixture.Smtp.For(login));
        }
        finally
        {
            fixture.Smtp.Start();
        }

        await fixture.Smtp.WaitForAsync(login);
        var sent = await WaitForQueueAsync(login, m => m["state"]!.GetValue<string>() == "sent");
        Assert.True(sent["attempts"]!.GetValue<int>() >= 2);
        // Several more passes run meanwhile; none sends it again.
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
        Assert.Single(fixture.Smtp.For(login));
    }

    [Fact]
    public async Task An_ir_mail_server_record_takes_over_and_undeliverable_mail_ends_in_exception_without_the_password()
    {
        const string smtpPassword = "smtp-secret-Zq81";
        int deadPort;
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            deadPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var serverId = (await fixture.AdminAsync("ir.mail_server", "create", [new Dictionary<string, object?>
        {
            ["name"] = "dead relay", ["smtp_host"] = "127.0.0.1", ["smtp_port"] = deadPort, ["smtp_encryption"] = "none",
            ["smtp_user"] = "portal", ["smtp_pass"] = smtpPassword, ["sequence"] = 1,
        }]))!.GetValue<int>();
        string login;
        try
        {
            var shown = (JsonArray)(await fixture.AdminAsync("ir.mail_server", "read", [new[] { serverId }], new() { ["fields"] = new[] { "smtp_pass" } }))!;
            Assert.Equal("********", shown[0]!["smtp_pass"]!.GetValue<string>());

            (login, _) = await fixture.SignupAsync("bounced", Password);
            var failed = await WaitForQueueAsync(login, m => m["state"]!.GetValue<string>() == "exception", TimeSpan.FromSeconds(60));
            Assert.Equal(MailServerFixture.MaxAttempts, failed["attempts"]!.GetValue<int>());
            var reason = failed["failure_reason"]!.GetValue<string>();
            Assert.False(string.IsNullOrEmpty(reason));
            Assert.DoesNotContain(smtpPassword, reason, StringComparison.Ordinal);
        }
        finally
        {
            await fixture.AdminAsync("ir.mail_server", "unlink", [new[] { serverId }]);
        }

        Assert.Empty(fixture.Smtp.For(login));
        Assert.DoesNotContain(smtpPassword, fixture.Server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Templates_are_editable_over_rpc_and_render_values_escaped()
    {
        var template = (JsonArray)(await fixture.AdminAsync("mail.template", "search_read", [new object[] { new object[] { "code", "=", "signup" } }],
            new() { ["fields"] = new[] { "subject", "body_html" } }))!;
        var id = template[0]!["id"]!.GetValue<int>();
        var original = (Subject: template[0]!["subject"]!.GetValue<string>(), Body: template[0]!["body_html"]!.GetValue<string>());
        await fixture.AdminAsync("mail.template", "write", [new[] { id }, new Dictionary<string, object?>
        {
            ["subject"] = "Hi {{ name }}", ["body_html"] = "<p>Dear {{name}}, see {{databases_url}}. {{unknown}}</p>",
        }]);
        string login;
        try
        {
            (login, _) = await fixture.SignupAsync("escaped", Password, "<b>Eve</b>\r\nBcc: x@evil.example");
        }
        finally
        {
            await fixture.AdminAsync("mail.template", "write", [new[] { id }, new Dictionary<string, object?> { ["subject"] = original.Subject, ["body_html"] = original.Body }]);
        }

        var mail = await fixture.Smtp.WaitForAsync(login);
        Assert.Equal("Hi <b>Eve</b>  Bcc: x@evil.example", mail.Subject);
        Assert.Empty(mail.Message.Bcc);
        Assert.Contains("Dear &lt;b&gt;Eve&lt;/b&gt;", mail.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", mail.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", mail.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lifecycle_notices_reach_the_owner_once_per_event()
    {
        var (login, uid) = await fixture.SignupAsync("lifecycle", Password);
        var database = fixture.NewName("life");
        var created = await fixture.AdminAsync("saas_portal.plan", "create_new_database", [new[] { 1 }], new() { ["dbname"] = database, ["user_id"] = uid });
        var clientRecord = created!["id"]!.GetValue<int>();

        async Task SetAsync(string key, string value) =>
            await fixture.AdminAsync("saas.config", "do_upgrade_database", [new Dictionary<string, object?>
            {
                ["params"] = new[] { new Dictionary<string, object?> { ["key"] = key, ["value"] = value, ["hidden"] = true } },
            }, new[] { clientRecord }]);
        int Count(string subjectPart) => fixture.Smtp.For(login).Count(m => m.Subject.Contains(subjectPart, StringComparison.Ordinal));

        // 3 MB in the tenant's file store (the tenant's superuser has the portal admin's password), then a 1 MB limit.
        var tenantAdmin = await fixture.Rpc.LoginAsync(database, MailServerFixture.Admin, MailServerFixture.Admin) ?? throw new InvalidOperationException("tenant admin");
        await fixture.Rpc.ExecuteAsync(database, tenantAdmin, MailServerFixture.Admin, "ir.attachment", "create", [new Dictionary<string, object?>
        {
            ["name"] = "big.bin", ["datas"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3 * 1024 * 1024)),
        }]);
        await SetAsync("saas_client.total_storage_limit", "1");
        var storage = await fixture.Smtp.WaitForAsync(login, m => m.Subject.Contains("storage limit", StringComparison.Ordinal));
        Assert.Contains("of the 1 MB", storage.Text, StringComparison.Ordinal);

        await SetAsync("saas_client.suspended", "1");
        await fixture.Smtp.WaitForAsync(login, m => m.Subject == $"{database} is suspended");
        await SetAsync("saas_client.suspended", "1");
        await SetAsync("saas_client.suspended", "0");
        await SetAsync("saas_client.suspended", "1");
        await WaitUntilAsync(() => Count("is suspended") == 2);

        var soon = DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        await SetAsync("saas_client.expiration_datetime", soon);
        var reminder = await fixture.Smtp.WaitForAsync(login, m => m.Subject.Contains("expires in", StringComparison.Ordinal));
        Assert.Equal($"{database} expires in 2 day(s)", reminder.Subject);
        Assert.Contains(fixture.Url + "/my/databases", Links(reminder));

        var past = DateTime.UtcNow.AddMinutes(-1).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        await SetAsync("saas_client.expiration_datetime", past);
        await fixture.Smtp.WaitForAsync(login, m => m.Subject == $"{database} has expired");

        // The background scan (every 2 s here) and further upgrades find nothing new to say.
        await SetAsync("saas_client.total_storage_limit", "1");
        await Task.Delay(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.Equal(2, Count("is suspended"));
        Assert.Equal(1, Count("expires in"));
        Assert.Equal(1, Count("has expired"));
        Assert.Equal(1, Count("storage limit"));
    }

    [Fact]
    public async Task The_mail_switch_makes_a_databases_mail_a_no_op_and_do_upgrade_database_sets_it_in_a_tenant()
    {
        var (owner, uid) = await fixture.SignupAsync("switch-owner", Password);
        var created = await fixture.AdminAsync("saas_portal.plan", "create_new_database", [new[] { 1 }],
            new() { ["dbname"] = fixture.NewName("staging"), ["user_id"] = uid });
        var result = await fixture.AdminAsync("saas.config", "do_upgrade_database", [new Dictionary<string, object?>
        {
            ["params"] = new[] { new Dictionary<string, object?> { ["key"] = "saas_client.mail_disabled", ["value"] = "1", ["hidden"] = true } },
        }, new[] { created!["id"]!.GetValue<int>() }]);
        Assert.Contains("saas_client.mail_disabled", result!.ToJsonString(), StringComparison.Ordinal);

        // The portal is a database like any other: with the switch on, its own events queue nothing.
        await fixture.AdminAsync("ir.config_parameter", "set_param", ["saas_client.mail_disabled", "1"]);
        string login;
        try
        {
            (login, _) = await fixture.SignupAsync("switched-off", Password);
        }
        finally
        {
            await fixture.AdminAsync("ir.config_parameter", "set_param", ["saas_client.mail_disabled", "0"]);
        }

        Assert.Empty(await fixture.QueuedAsync(login));
        Assert.NotEmpty(await fixture.QueuedAsync(owner));
    }

    private async Task<JsonObject> WaitForQueueAsync(string email, Func<JsonObject, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var found = (await fixture.QueuedAsync(email)).OfType<JsonObject>().FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the queue never matched for {email}: {(await fixture.QueuedAsync(email)).ToJsonString()}");
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition never held");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    private static List<string> Links(ReceivedMail mail) =>
        [.. Href().Matches(mail.Html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value))];

    private static string Token(string link) => Uri.UnescapeDataString(new Uri(link).Query.Split("token=")[1]);

    private static string? Alert(string body) => AlertText().Match(body) is { Success: true } m ? m.Groups[1].Value : null;

    [GeneratedRegex("href=\"([^\"]+)\"")]
    private static partial Regex Href();

    [GeneratedRegex("<p class=\"alert[^\"]*\" role=\"[a-z]+\">([^<]*)</p>")]
    private static partial Regex AlertText();
}
