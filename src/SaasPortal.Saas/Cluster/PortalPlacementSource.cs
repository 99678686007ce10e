using System.Data.Common;
using Microsoft.Extensions.Logging;
using Npgsql;
using SaasPortal.Storage.Databases;
using SaasPortal.Storage.Placement;

namespace SaasPortal.Saas.Cluster;

/// <summary>
/// Reads the placement from the portal database: <c>saas_portal.server</c> records with a connection and the live
/// clients placed on them. It reads with plain SQL on the installation's own server (where the portal lives) rather
/// than through the ORM, because the ORM opens databases through the placement this feeds.
/// </summary>
public sealed partial class PortalPlacementSource(IDatabaseServer home, string portalDatabase, ILogger<PortalPlacementSource> logger) : IPlacementSource
{
    // The map reloads often; a broken server is reported once per problem, not on every reload.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Server, string Problem), bool> _reported = new();

    private const string ServersSql = """
        SELECT "id", "name", "connection", "password_ref", "pooler" FROM "saas_portal_server" WHERE COALESCE("connection", '') <> ''
        """;

    private const string TenantsSql = """
        SELECT c."name", c."server_id" FROM "saas_portal_client" c JOIN "saas_portal_server" s ON s."id" = c."server_id"
        WHERE c."state" IS DISTINCT FROM 'deleted' AND COALESCE(s."connection", '') <> ''
        """;

    /// <inheritdoc />
    public async Task<PlacementSnapshot> LoadAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await home.OpenAsync(portalDatabase, cancellationToken);
            var servers = new Dictionary<int, ServerEndpoint>();
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = ServersSql;
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var id = reader.GetInt32(0);
                    var name = reader.GetString(1);
                    var passwordReference = reader.IsDBNull(3) ? null : reader.GetString(3);
                    var pooler = reader.IsDBNull(4) || reader.GetString(4).Length == 0 ? null : ConnectionString(name, reader.GetString(4), passwordReference);
                    servers[id] = new ServerEndpoint(id, name, ConnectionString(name, reader.GetString(2), passwordReference), pooler);
                }
            }

            var tenants = new Dictionary<string, int>(StringComparer.Ordinal);
            if (servers.Count > 0)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = TenantsSql;
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    tenants[reader.GetString(0)] = reader.GetInt32(1);
                }
            }

            return new PlacementSnapshot(servers, tenants);
        }
        catch (DatabaseNotFoundException)
        {
            // Before the first start created the portal, every database is the own server's.
            return PlacementSnapshot.Empty;
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.UndefinedColumn)
        {
            // saas_portal is not installed yet, or the portal awaits `serve --upgrade` for the connection columns.
            return PlacementSnapshot.Empty;
        }
    }

    /// <summary>The record's connection with the password its reference names; a bad reference is logged (without secrets) and leaves the password out.</summary>
    private string ConnectionString(string server, string connection, string? passwordReference)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connection);
            if (SecretReference.Resolve(passwordReference) is { } password)
            {
                builder.Password = password;
            }

            return builder.ConnectionString;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or DbException)
        {
            if (_reported.TryAdd((server, e.Message), true))
            {
                LogUnusableServer(logger, server, e.Message);
            }

            return connection;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database server {Server}: {Problem}; its tenants cannot be reached until it is fixed")]
    private static partial void LogUnusableServer(ILogger logger, string server, string problem);
}
