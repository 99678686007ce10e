using SaasPortal.Saas.Mail;

namespace SaasPortal.Mail.Tests;

/// <summary>The template renderer and retry schedule alone, without a server.</summary>
public sealed class TemplateRendererTests
{
    [Fact]
    public void Placeholders_are_html_escaped_in_the_body_and_stripped_of_line_breaks_in_the_subject()
    {
        var values = new Dictionary<string, string?> { ["name"] = "<script>x</script>\r\nBcc: a@b", ["url"] = "https://x.example/?a=1&b=2" };
        var mail = MailTemplateRenderer.Render("Hello {{name}}", "<a href=\"{{url}}\">{{ name }}</a>{{missing}}", values);
        Assert.Equal("Hello <script>x</script>  Bcc: a@b", mail.Subject);
        Assert.Equal("<a href=\"https://x.example/?a=1&amp;b=2\">&lt;script&gt;x&lt;/script&gt;\r\nBcc: a@b</a>", mail.BodyHtml);
    }

    [Fact]
    public void Template_text_that_looks_like_code_is_left_as_text()
    {
        var mail = MailTemplateRenderer.Render("{{ object.partner_id.name }}", "${object.name} {% if x %}{{__import__}}", new Dictionary<string, string?>());
        Assert.Equal("{{ object.partner_id.name }}", mail.Subject);
        Assert.Equal("${object.name} {% if x %}", mail.BodyHtml);
    }

    [Fact]
    public void Retries_wait_twice_as_long_each_time_up_to_the_cap()
    {
        var settings = new MailSettings { PortalDatabase = "p", RetryBaseDelay = TimeSpan.FromSeconds(30), RetryMaxDelay = TimeSpan.FromMinutes(5) };
        Assert.Equal(
            new[] { 30, 60, 120, 240, 300, 300 },
            Enumerable.Range(1, 6).Select(n => (int)settings.RetryDelay(n).TotalSeconds));
    }

    [Fact]
    public void The_plain_text_part_keeps_link_addresses()
    {
        Assert.Equal("Hi, open x (https://a.example/?q=1&r=2).", SmtpMailTransport.ToText("<p>Hi, open <a href=\"https://a.example/?q=1&amp;r=2\">x</a>.</p>"));
    }
}
