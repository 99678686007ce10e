using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;

namespace SaasPortal.Api.WebSession;

/// <summary>Who a web session belongs to. Nothing secret: the password never enters the cookie.</summary>
internal sealed record WebSessionState(string Db, int Uid, string Login, long ExpiresUnix);

/// <summary>
/// The <c>session_id</c> cookie: the session state, encrypted and signed with ASP.NET Core Data Protection whose
/// keys live in the data directory, so any server node sharing it reads the session and no node keeps session state.
/// </summary>
internal sealed class WebSessionCookie(IDataProtectionProvider protection, EdgeOptions options, TimeProvider time)
{
    public const string Name = "session_id";

    private readonly IDataProtector _protector = protection.CreateProtector("SaasPortal.WebSession.v1");

    public WebSessionState? Read(HttpContext context)
    {
        if (!context.Request.Cookies.TryGetValue(Name, out var value) || string.IsNullOrEmpty(value) || value.Length > 4096)
        {
            return null;
        }

        try
        {
            var state = JsonSerializer.Deserialize<WebSessionState>(_protector.Unprotect(value));
            return state is not null && state.ExpiresUnix > time.GetUtcNow().ToUnixTimeSeconds() ? state : null;
        }
        catch (Exception e) when (e is CryptographicException or JsonException or FormatException)
        {
            // Tampered, from another key ring, or from an older format: no session.
            return null;
        }
    }

    public WebSessionState Issue(HttpContext context, string db, int uid, string login)
    {
        var expires = time.GetUtcNow() + options.SessionLifetime;
        var state = new WebSessionState(db, uid, login, expires.ToUnixTimeSeconds());
        context.Response.Cookies.Append(Name, _protector.Protect(JsonSerializer.Serialize(state)), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
            Path = "/",
            Expires = expires,
        });
        return state;
    }

    public void Clear(HttpContext context) =>
        context.Response.Cookies.Delete(Name, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/" });
}
