using SaasPortal.Orm;
using SaasPortal.Orm.Errors;

namespace SaasPortal.Saas.Cluster;

/// <summary>
/// Where a new tenant goes: the plan's server when it names one (it must be open and below its capacity), else the
/// open server with the fewest live tenants below its capacity (ties: the first by sequence). With one server, as
/// every installation starts, that is always the installation's own.
/// </summary>
public static class ServerChoice
{
    private const string Servers = "saas_portal.server";

    /// <summary>
    /// The server record for a new tenant; null when no server is open at all (the tenant then stays on the
    /// installation's own server unrecorded, as before servers existed). Throws when the plan's server cannot take
    /// it, or when every open server is full.
    /// </summary>
    public static async Task<int?> ChooseAsync(OrmEnvironment portal, int? planServerId, CancellationToken cancellationToken)
    {
        var servers = portal.Sudo()[Servers];
        if (planServerId is { } planned)
        {
            var found = await servers.Browse(planned).ExistsAsync(cancellationToken);
            if (found.Count == 0)
            {
                throw new UserErrorException($"The plan's server {planned} does not exist.");
            }

            var row = (await found.ReadAsync(["name", "state", "capacity"], cancellationToken))[0];
            var name = Wire.Text(row["name"]);
            if (Wire.Text(row["state"]) != "open")
            {
                throw new UserErrorException($"The plan's server {name} is {Wire.Text(row["state"])}: it takes no new databases.");
            }

            if (!await HasRoomAsync(portal, planned, Wire.Integer(row["capacity"]), cancellationToken))
            {
                throw new UserErrorException($"The plan's server {name} is full ({Wire.Integer(row["capacity"])} databases).");
            }

            return planned;
        }

        var open = await servers.SearchAsync(Wire.Domain(("state", "=", "open")), cancellationToken);
        if (open.Count == 0)
        {
            return null;
        }

        (int Id, int Load)? best = null;
        foreach (var row in await open.ReadAsync(["capacity"], cancellationToken))
        {
            var id = Wire.Integer(row["id"]);
            var load = await LoadAsync(portal, id, cancellationToken);
            var capacity = Wire.Integer(row["capacity"]);
            if ((capacity <= 0 || load < capacity) && (best is null || load < best.Value.Load))
            {
                best = (id, load);
            }
        }

        return best?.Id ?? throw new UserErrorException("Every open database server is full: add a server or raise a capacity.");
    }

    /// <summary>Live (not deleted) tenants placed on server <paramref name="serverId"/>.</summary>
    public static Task<int> LoadAsync(OrmEnvironment portal, int serverId, CancellationToken cancellationToken) =>
        portal.Sudo()["saas_portal.client"].SearchCountAsync(Wire.Domain(("server_id", "=", serverId), ("state", "!=", "deleted")), cancellationToken);

    /// <summary>Whether server <paramref name="serverId"/> of <paramref name="capacity"/> (0: unlimited) takes one more tenant.</summary>
    public static async Task<bool> HasRoomAsync(OrmEnvironment portal, int serverId, int capacity, CancellationToken cancellationToken) =>
        capacity <= 0 || await LoadAsync(portal, serverId, cancellationToken) < capacity;
}
