using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace SaasPortal.Web.Hosting;

/// <summary>Who a page session belongs to: a user of one database.</summary>
public sealed record SessionUser(string Database, int Uid, string Login);

/// <summary>
/// Page sessions in ASP.NET Core authentication cookies (encrypted and signed with Data Protection, whose keys live
/// in the data directory, so any node sharing it reads them and no node keeps session state). The portal and the
/// tenants use separate schemes and cookies; a session names its database and is refused anywhere else.
/// </summary>
public static class WebSessions
{
    /// <summary>The portal's page session.</summary>
    public const string PortalScheme = "SaasPortal.Portal";

    /// <summary>A tenant's page session.</summary>
    public const string TenantScheme = "SaasPortal.Tenant";

    /// <summary>Where a tenant cookie applies: its base path, so tenants behind <c>/t/&lt;db&gt;</c> on one host keep apart.</summary>
    internal const string CookiePathItem = "SaasPortal.CookiePath";

    private const string DatabaseClaim = "saasportal:db";
    private const string UidClaim = "saasportal:uid";
    private const string LoginClaim = "saasportal:login";

    /// <summary>Signs <paramref name="user"/> in under <paramref name="scheme"/>; <paramref name="cookiePath"/> scopes the cookie.</summary>
    public static Task SignInAsync(HttpContext context, string scheme, SessionUser user, string cookiePath = "/")
    {
        var identity = new ClaimsIdentity(
            [
                new Claim(DatabaseClaim, user.Database),
                new Claim(UidClaim, user.Uid.ToString(CultureInfo.InvariantCulture)),
                new Claim(LoginClaim, user.Login),
            ], scheme);
        context.Items[CookiePathItem] = cookiePath;
        return context.SignInAsync(scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = false });
    }

    /// <summary>Ends the session of <paramref name="scheme"/>.</summary>
    public static Task SignOutAsync(HttpContext context, string scheme, string cookiePath = "/")
    {
        context.Items[CookiePathItem] = cookiePath;
        return context.SignOutAsync(scheme);
    }

    /// <summary>The signed-in user of <paramref name="database"/> under <paramref name="scheme"/>, or null.</summary>
    public static async Task<SessionUser?> ReadAsync(HttpContext context, string scheme, string database)
    {
        var result = await context.AuthenticateAsync(scheme);
        if (!result.Succeeded || result.Principal is not { } principal)
        {
            return null;
        }

        var db = principal.FindFirstValue(DatabaseClaim);
        var uid = int.TryParse(principal.FindFirstValue(UidClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        var login = principal.FindFirstValue(LoginClaim);
        // A cookie of another database (same host, other /t/ prefix, or a copied cookie) opens nothing here.
        return string.Equals(db, database, StringComparison.Ordinal) && uid > 0 && login is not null ? new SessionUser(database, uid, login) : null;
    }
}
