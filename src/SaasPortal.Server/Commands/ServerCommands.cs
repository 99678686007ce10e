using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SaasPortal.Saas.Cluster;
using SaasPortal.Storage;
using SaasPortal.Storage.Databases;
using SaasPortal.Storage.Dialects;
using SaasPortal.Storage.Placement;

namespace SaasPortal.Server.Commands;

/// <summary>
/// <c>saasportal server …</c>: the PostgreSQL servers tenants are placed on (<c>saas_portal.server</c>), and
/// <c>saasportal client move</c>. Moves and drains run <see cref="TenantMover"/>, the code behind the RPC methods.
/// </summary>
internal static class ServerCommands
{
    private const string Model = "saas_portal.server";

    private static readonly string[] ListFields = ["id", "name", "state", "capacity", "tenants", "connection", "pooler", "password_ref"];

    private static readonly string[] MoveFields = ["database", "from", "to", "moved", "copy_seconds", "blocked_seconds", "seconds"];

    public static Command Create()
    {
        var group = new AdminGroup("server", "Manage the database servers tenants are placed on: list, add, drain.");

        group.Add(new Command("list", "List the servers with their live tenants."), async (_, context, ct) =>
        {
            await context.EnsurePortalAsync(ct);
            var portal = context.Settings.PortalDatabase;
            var rows = await context.SearchReadAsync(portal, Model, [], ["id", "name", "state", "capacity", "connection", "pooler", "password_ref"], ct);
            foreach (var row in rows)
            {
                row["tenants"] = await context.CallAsync(portal, "saas_portal.client", "search_count",
                    [new List<object?> { new List<object?> { "server_id", "=", row["id"] }, new List<object?> { "state", "!=", "deleted" } }], null, write: false, ct);
            }

            await context.Output.TableAsync(rows, ListFields);
        });

        var name = new Argument<string>("name") { Description = "Name of the server record." };
        var connection = new Option<string>("--connection")
        {
            Description = "Npgsql connection string of its maintenance database, without the password (Host=…;Port=…;Username=…;Database=postgres).",
            Required = true,
        };
        var passwordRef = new Option<string>("--password-ref") { Description = "Where every node reads the password: env:VARIABLE or file:/absolute/path." };
        var pooler = new Option<string>("--pooler")
        {
            Description = "Npgsql connection string of a PgBouncer in transaction mode in front of it, without the password (Host=…;Port=6432); tenant connections go through it.",
        };
        var capacity = new Option<int>("--capacity") { Description = "Most tenants it takes (0: unlimited)." };
        var sequence = new Option<int>("--sequence") { Description = "Order among servers of equal load (lower first).", DefaultValueFactory = _ => 20 };
        group.Add(new Command("add", "Add a PostgreSQL server; new tenants are placed on it from now on.") { name, connection, pooler, passwordRef, capacity, sequence },
            async (parse, context, ct) =>
            {
                await context.EnsurePortalAsync(ct);
                if (context.Settings.Backend != DatabaseBackend.Postgres)
                {
                    throw CommandException.Usage("Several database servers need the PostgreSQL backend (--db-backend postgres).");
                }

                if (parse.GetValue(capacity) < 0)
                {
                    throw CommandException.Usage("--capacity cannot be negative.");
                }

                var values = DbCommands.Row(
                    ("name", parse.GetValue(name)), ("connection", parse.GetValue(connection)), ("pooler", parse.GetValue(pooler) ?? (object)false),
                    ("password_ref", parse.GetValue(passwordRef) ?? (object)false),
                    ("capacity", parse.GetValue(capacity)), ("sequence", parse.GetValue(sequence)), ("backend", "postgres"), ("state", "open"));
                ClusterBehaviour.CheckServerValues(values);
                await CheckReachableAsync(context, parse.GetValue(connection)!, parse.GetValue(pooler), parse.GetValue(passwordRef), ct);
                var id = Convert.ToInt32(await context.CallAsync(context.Settings.PortalDatabase, Model, "create", [values], null, write: true, ct),
                    CultureInfo.InvariantCulture);
                await context.Output.DoneAsync($"Added server {id} ({parse.GetValue(name)}).", DbCommands.Row(("id", id), ("name", parse.GetValue(name))));
            });

        var drained = new Argument<string>("server") { Description = "Server id or name." };
        group.Add(new Command("drain", "Mark a server draining (no new tenants) and move each of its tenants to the least loaded open server.") { drained },
            async (parse, context, ct) =>
            {
                var id = await ServerIdAsync(context, parse.GetValue(drained)!, ct);
                var moves = await context.Services.GetRequiredService<TenantMover>().DrainAsync(context.Settings.PortalDatabase, id, ct);
                if (context.Output.Json)
                {
                    await context.Output.TableAsync([.. moves.Select(m => (IReadOnlyDictionary<string, object?>)m.ToWire())], MoveFields);
                    return;
                }

                foreach (var move in moves)
                {
                    await Console.Out.WriteLineAsync(Describe(move));
                }

                await Console.Out.WriteLineAsync($"Drained server {parse.GetValue(drained)}: {moves.Count(m => m.Moved)} databases moved.");
            });

        return group.Command;
    }

    /// <summary>Adds <c>client move &lt;client&gt; &lt;server&gt;</c> to the client group.</summary>
    public static void AddClientMove(AdminGroup clients, Func<AdminContext, string, CancellationToken, Task<Dictionary<string, object?>>> findClient)
    {
        var client = new Argument<string>("client") { Description = "Client id, or its database name." };
        var server = new Argument<string>("server") { Description = "Server id or name to move it to." };
        clients.Add(new Command("move", "Move a client's database to another server; it refuses calls only while it is copied.") { client, server },
            async (parse, context, ct) =>
            {
                var found = await findClient(context, parse.GetValue(client)!, ct);
                var target = await ServerIdAsync(context, parse.GetValue(server)!, ct);
                var move = await context.Services.GetRequiredService<TenantMover>().MoveAsync(
                    context.Settings.PortalDatabase, Convert.ToInt32(found["id"], CultureInfo.InvariantCulture), target, ct);
                await context.Output.DoneAsync(Describe(move), move.ToWire());
            });
    }

    private static string Describe(MoveResult move) => move.Moved
        ? string.Create(CultureInfo.InvariantCulture,
            $"Moved {move.Database} from {move.From} to {move.To} in {move.Total.TotalSeconds:0.00} s (blocked {move.Blocked.TotalSeconds:0.00} s, copy {move.Copy.TotalSeconds:0.00} s).")
        : $"{move.Database} is already on {move.To}.";

    private static async Task<int> ServerIdAsync(AdminContext context, string server, CancellationToken ct)
    {
        await context.EnsurePortalAsync(ct);
        List<object?> term = int.TryParse(server, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? ["id", "=", id] : ["name", "=", server];
        var rows = await context.SearchReadAsync(context.Settings.PortalDatabase, Model, [term], ["id"], ct);
        return rows.Count == 1 ? Convert.ToInt32(rows[0]["id"], CultureInfo.InvariantCulture) : throw CommandException.NotFound($"Server {server} does not exist.");
    }

    /// <summary>Connects once before the record exists, so that a typo fails here rather than on a customer's first call.</summary>
    private static async Task CheckReachableAsync(AdminContext context, string connection, string? pooler, string? passwordReference, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(connection);
        var password = SecretReference.Resolve(passwordReference);
        if (password is not null)
        {
            builder.Password = password;
        }

        var options = new StorageOptions
        {
            Backend = DatabaseBackend.Postgres,
            DataDirectory = context.Settings.DataDirectory,
            PostgresConnectionString = builder.ConnectionString,
            PostgresPoolerConnectionString = pooler,
            IdlePoolTimeout = TimeSpan.Zero,
        };
        await using var server = new PostgresDatabaseServer(options, PostgresDialect.Instance);
        try
        {
            await server.ListAsync(ct);
        }
        catch (NpgsqlException e)
        {
            throw new CommandException(ExitCodes.Error, $"Server {builder.Host}:{builder.Port} cannot be reached: {e.Message}");
        }

        if (pooler is not null)
        {
            try
            {
                await server.CheckPoolerAsync(ct);
            }
            catch (NpgsqlException e)
            {
                var through = new NpgsqlConnectionStringBuilder(pooler);
                throw new CommandException(ExitCodes.Error, $"Server {builder.Host}:{builder.Port} cannot be reached through PgBouncer {through.Host}:{through.Port}: {e.Message}");
            }
        }
    }
}
