using System.Globalization;
using Microsoft.Data.Sqlite;
using SaasPortal.Saas.Provisioning;

namespace SaasPortal.Web.Tests;

/// <summary>
/// Access tokens as the portal issues them — the product's own <see cref="AccessTokens"/> with the portal's secret
/// read from its database file — but at another time, so a test gets a token issued long ago without waiting an hour.
/// </summary>
public static class TokenForge
{
    /// <summary>The <c>url</c> create_new_database returns for <paramref name="database"/>, as issued at <paramref name="time"/>.</summary>
    public static async Task<string> UrlAsync(WebServerFixture server, string database, TimeProvider time)
    {
        var ct = TestContext.Current.CancellationToken;
        var secret = AccessTokens.SecretBytes(await ParameterAsync(server, server.PortalDatabase, "saas_portal.token_secret", ct));
        var clientId = await ParameterAsync(server, database, "database.uuid", ct);
        var portalUser = int.Parse(await ParameterAsync(server, database, "saas_client.owner_portal_user_id", ct), CultureInfo.InvariantCulture);
        var token = new AccessTokens(time).Issue(secret, database, clientId, portalUser);
        return server.TenantUrl(database) + "/saas_client/sso?access_token=" + Uri.EscapeDataString(token);
    }

    private static async Task<string> ParameterAsync(WebServerFixture server, string database, string key, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection($"Data Source={server.DatabaseFile(database)};Mode=ReadOnly");
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM ir_config_parameter WHERE key = $key";
        command.Parameters.AddWithValue("$key", key);
        return await command.ExecuteScalarAsync(cancellationToken) as string ?? throw new InvalidOperationException($"{key} is not set in {database}");
    }

    /// <summary>The system clock moved by <paramref name="shift"/>.</summary>
    public sealed class ShiftedTime(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }
}
