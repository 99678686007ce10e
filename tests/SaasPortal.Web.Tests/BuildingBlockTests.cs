using SaasPortal.Web.Hosting;
using SaasPortal.Web.Html;
using SaasPortal.Web.Sso;

namespace SaasPortal.Web.Tests;

/// <summary>The small rules the pages stand on, without a server.</summary>
public sealed class BuildingBlockTests
{
    [Theory]
    [InlineData("/my/databases", true)]
    [InlineData("/oauth2/auth?client_id=x&redirect_uri=http%3A%2F%2Fa", true)]
    [InlineData("/", true)]
    [InlineData("//evil.example", false)]
    [InlineData("/\\evil.example", false)]
    [InlineData("/ok\\..\\evil", false)]
    [InlineData("https://evil.example/", false)]
    [InlineData("evil.example", false)]
    [InlineData("/\r\nLocation: https://evil.example", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Return_urls_are_paths_of_this_site_only(string? candidate, bool local)
    {
        Assert.Equal(local, ReturnUrls.IsLocal(candidate));
        Assert.Equal(local ? candidate : "/fallback", ReturnUrls.LocalOr(candidate, "/fallback"));
    }

    [Fact]
    public void Pkce_s256_matches_the_rfc_7636_example()
    {
        // RFC 7636, appendix B.
        Assert.Equal("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", Pkce.Challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
        Assert.True(Pkce.Verify("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
    }

    [Fact]
    public void Pkce_refuses_a_wrong_or_malformed_verifier()
    {
        var verifier = Pkce.NewVerifier();
        var challenge = Pkce.Challenge(verifier);

        Assert.True(Pkce.Verify(verifier, challenge));
        Assert.False(Pkce.Verify(Pkce.NewVerifier(), challenge));
        Assert.False(Pkce.Verify("short", Pkce.Challenge("short")));
        Assert.False(Pkce.Verify(null, challenge));
        Assert.True(Pkce.IsWellFormedChallenge(challenge));
        Assert.False(Pkce.IsWellFormedChallenge(challenge + "="));
    }

    [Fact]
    public void Templates_encode_every_hole_but_markup()
    {
        var name = "<img src=x onerror=alert(1)> & \"quotes\"";
        var bold = Markup.Of($"<b>{name}</b>");

        Assert.Equal("<b>&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;</b>", bold.Value);
        Assert.Equal("<p><b>&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;</b></p>", Markup.Of($"<p>{bold}</p>").Value);
        Assert.Equal("<i>1</i><i>&lt;2&gt;</i>", Markup.Each(["1", "<2>"], s => Markup.Of($"<i>{s}</i>")).Value);
    }
}
