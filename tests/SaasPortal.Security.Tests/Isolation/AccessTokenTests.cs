using System.Buffers.Text;
using System.Text;
using SaasPortal.Saas.Provisioning;

namespace SaasPortal.Security.Tests.Isolation;

/// <summary>
/// The signed access tokens create_new_database hands out (Provisioning/AccessTokens) open one tenant only. No
/// route consumes them yet (the tenant-side SSO belongs to the web work), so they are checked in process.
/// </summary>
public sealed class AccessTokenTests
{
    [Fact]
    public void An_access_token_for_one_tenant_is_refused_for_every_other()
    {
        var tokens = new AccessTokens(TimeProvider.System);
        var secret = Convert.FromBase64String(AccessTokens.NewSecret());
        var token = tokens.Issue(secret, "tenant-a", "client-a", 7);

        Assert.NotNull(tokens.Validate(secret, token, "client-a"));
        Assert.Null(tokens.Validate(secret, token, "client-b"));

        // B's claims under A's signature, and A's token under another portal's secret.
        var forged = Encoding.UTF8.GetString(Convert.FromBase64String(Pad(token.Split('.')[0])))
            .Replace("client-a", "client-b", StringComparison.Ordinal).Replace("tenant-a", "tenant-b", StringComparison.Ordinal);
        var forgedToken = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(forged)) + "." + token.Split('.')[1];
        Assert.Null(tokens.Validate(secret, forgedToken, "client-b"));
        Assert.Null(tokens.Validate(Convert.FromBase64String(AccessTokens.NewSecret()), token, "client-a"));
        Assert.Null(tokens.Validate(secret, token + "x", "client-a"));
        Assert.Null(tokens.Validate(secret, "." + token.Split('.')[1], "client-a"));
    }

    private static string Pad(string base64Url)
    {
        var text = base64Url.Replace('-', '+').Replace('_', '/');
        return text + new string('=', (4 - (text.Length % 4)) % 4);
    }
}
