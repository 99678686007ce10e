using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using SaasPortal.Orm;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Service;
using SaasPortal.Saas.Portal;

namespace SaasPortal.Saas.Mail;

/// <summary>Who a valid reset link is for.</summary>
public sealed record PasswordResetTarget(int Uid, string Login);

/// <summary>
/// The portal's password reset: a request queues a mail with a signed link, the link sets a new password once.
/// The link is an HMAC-SHA256 token (under a key derived from the portal's token secret, so it cannot pass for an
/// access token) over the user, an expiry and a fingerprint of the user's current password hash: setting any new
/// password changes the hash, which spends the link, without a table of issued tokens. Requests never say whether
/// the login exists, and each login gets at most <see cref="MailSettings.ResetMailsPerHour"/> mails an hour
/// (counted in the queue, so every node agrees).
/// </summary>
public sealed partial class PasswordResets(Func<OrmService> orm, MailQueue queue, MailSettings settings, TimeProvider time, ILogger<PasswordResets> logger)
{
    /// <summary>Shortest new password, as at sign-up.</summary>
    public const int MinimumPasswordLength = 8;

    /// <summary>Path of the page a reset link opens.</summary>
    public const string ConfirmPath = "/web/reset_password/confirm";

    /// <summary>Queues a reset mail when <paramref name="login"/> is an active portal user with an e-mail address and under the hourly limit; otherwise does nothing, silently.</summary>
    public Task RequestAsync(string login, CancellationToken cancellationToken) =>
        orm().RunAsync(settings.PortalDatabase, OrmEnvironment.SuperuserId, write: true, async env =>
        {
            if (string.Equals(await ConfigParameters.GetAsync(env, "auth_signup.reset_password", cancellationToken), "False", StringComparison.Ordinal))
            {
                return false;
            }

            var users = await env["res.users"].SearchAsync(Wire.Domain(("login", "=", login.Trim())), cancellationToken, limit: 1);
            if (users.Count == 0)
            {
                return false;
            }

            var user = (await users.ReadAsync(["login", "name", "email"], cancellationToken))[0];
            var email = Wire.Text(user["email"]) is { Length: > 0 } e ? e : Wire.Text(user["login"]);
            var since = (time.GetUtcNow().UtcDateTime - TimeSpan.FromHours(1)).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            var recent = await env["mail.mail"].SearchCountAsync(Wire.Domain(
                ("template_code", "=", MailTemplateCodes.PasswordReset), ("email_to", "=", email), ("create_date", ">=", since)), cancellationToken);
            if (recent >= settings.ResetMailsPerHour)
            {
                LogThrottled(logger, users.Id);
                return false;
            }

            var token = await IssueAsync(env, users.Id, cancellationToken);
            var values = await PortalLinks.CommonValuesAsync(env, cancellationToken);
            values["name"] = Wire.Text(user["name"]);
            values["login"] = Wire.Text(user["login"]);
            values["reset_url"] = $"{values["portal_url"]}{ConfirmPath}?token={Uri.EscapeDataString(token)}";
            values["valid_hours"] = Math.Max(1, (int)Math.Round(settings.ResetLinkLifetime.TotalHours)).ToString(CultureInfo.InvariantCulture);
            return await queue.EnqueueAsync(env, MailTemplateCodes.PasswordReset, email, values, onceKey: null, cancellationToken) is not null;
        }, cancellationToken);

    /// <summary>The user a link is for, or null when it is forged, expired, for another database, or already used.</summary>
    public Task<PasswordResetTarget?> ValidateAsync(string? token, CancellationToken cancellationToken) =>
        orm().RunAsync(settings.PortalDatabase, OrmEnvironment.SuperuserId, write: false, env => CheckAsync(env, token, cancellationToken), cancellationToken);

    /// <summary>Sets <paramref name="password"/> for the link's user and spends the link; refuses (UserError) a bad link or a weak password.</summary>
    public Task<PasswordResetTarget> ResetAsync(string? token, string password, CancellationToken cancellationToken) =>
        orm().RunAsync(settings.PortalDatabase, OrmEnvironment.SuperuserId, write: true, async env =>
        {
            var target = await CheckAsync(env, token, cancellationToken)
                ?? throw new UserErrorException("This reset link is invalid, expired or already used. Ask for a new one.");
            if (password.Length < MinimumPasswordLength || string.Equals(password, target.Login, StringComparison.OrdinalIgnoreCase))
            {
                throw new UserErrorException($"Choose a password of at least {MinimumPasswordLength} characters that is not your login.");
            }

            await env["res.users"].Browse(target.Uid).WriteAsync(Wire.Values(("password", password)), cancellationToken);
            return target;
        }, cancellationToken);

    private async Task<string> IssueAsync(OrmEnvironment env, int uid, CancellationToken cancellationToken)
    {
        var claims = new ResetClaims(env.Database, uid, (time.GetUtcNow() + settings.ResetLinkLifetime).ToUnixTimeSeconds(),
            await FingerprintAsync(env, uid, cancellationToken));
        var payload = JsonSerializer.SerializeToUtf8Bytes(claims);
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(HMACSHA256.HashData(await KeyAsync(env, cancellationToken), payload));
    }

    private async Task<PasswordResetTarget?> CheckAsync(OrmEnvironment env, string? token, CancellationToken cancellationToken)
    {
        var dot = token?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (token is null || dot <= 0 || token.Length > 2048)
        {
            return null;
        }

        ResetClaims? claims;
        try
        {
            var key = await KeyAsync(env, cancellationToken);
            var payload = Base64Url.DecodeFromChars(token.AsSpan(0, dot));
            var signature = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
            if (!CryptographicOperations.FixedTimeEquals(signature, HMACSHA256.HashData(key, payload)))
            {
                return null;
            }

            claims = JsonSerializer.Deserialize<ResetClaims>(payload);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }

        if (claims is null || claims.Database != env.Database || claims.ExpiresAt <= time.GetUtcNow().ToUnixTimeSeconds())
        {
            return null;
        }

        var users = await env["res.users"].Browse(claims.Uid).ExistsAsync(cancellationToken);
        if (users.Count == 0 || !Wire.Bool(await users.GetAsync("active", cancellationToken))
            || !string.Equals(claims.Fingerprint, await FingerprintAsync(env, claims.Uid, cancellationToken), StringComparison.Ordinal))
        {
            return null;
        }

        return new PasswordResetTarget(claims.Uid, Wire.Text(await users.GetAsync("login", cancellationToken)) ?? "");
    }

    /// <summary>A short hash of the user's stored password hash (read directly: the ORM never exposes that column).</summary>
    private static async Task<string> FingerprintAsync(OrmEnvironment env, int uid, CancellationToken cancellationToken)
    {
        var dialect = env.Transaction.Dialect;
        await using var command = env.Transaction.Connection.CreateCommand();
        command.Transaction = env.Transaction.Transaction;
        command.CommandText = $"SELECT \"password_crypt\" FROM \"res_users\" WHERE \"id\" = {dialect.Parameter(0)}";
        dialect.AddParameter(command, 0, uid);
        var stored = await command.ExecuteScalarAsync(cancellationToken) as string ?? "";
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(stored)), 0, 12);
    }

    private static async Task<byte[]> KeyAsync(OrmEnvironment env, CancellationToken cancellationToken) =>
        HMACSHA256.HashData(await PortalSecret.GetAsync(env, cancellationToken), "saasportal password reset v1"u8);

    [LoggerMessage(Level = LogLevel.Information, Message = "Password reset for user {Uid} not sent: the hourly limit is reached")]
    private static partial void LogThrottled(ILogger logger, int uid);

    private sealed record ResetClaims(string Database, int Uid, long ExpiresAt, string Fingerprint);
}
