using Npgsql;
using SaasPortal.Addons.Behaviours;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Methods;
using SaasPortal.Saas.Portal;
using SaasPortal.Storage.Placement;

namespace SaasPortal.Saas.Cluster;

/// <summary>
/// The portal's methods for several database servers: <c>saas_portal.client.move_to_server([id], server_id)</c>,
/// <c>saas_portal.server.drain([ids])</c>, and the checks on a server's connection and password reference.
/// Managers only.
/// </summary>
public sealed class ClusterBehaviour(TenantMover mover) : IAddonBehaviour
{
    /// <inheritdoc />
    public string Addon => "saas_portal";

    /// <inheritdoc />
    public void Register(MethodTable methods)
    {
        methods.Register("saas_portal.client", "move_to_server", MoveToServerAsync);
        methods.Register("saas_portal.server", "drain", DrainAsync);
        methods.Register("saas_portal.server", "create", CheckedWriteAsync);
        methods.Register("saas_portal.server", "write", CheckedWriteAsync);
    }

    /// <summary>
    /// Validates the values a create or write gives a server record: a connection and a PgBouncer connection without a
    /// password, a well-formed password reference.
    /// </summary>
    public static void CheckServerValues(IReadOnlyDictionary<string, object?> values)
    {
        CheckConnection(values, "connection", "The server's connection", "Host=…;Port=…;Username=…;Database=postgres");
        CheckConnection(values, "pooler", "The server's PgBouncer connection", "Host=…;Port=6432");

        if (values.TryGetValue("password_ref", out var reference) && reference is string { Length: > 0 } r && !SecretReference.IsValid(r))
        {
            throw new UserErrorException("password_ref must be env:VARIABLE or file:/absolute/path.");
        }
    }

    private static void CheckConnection(IReadOnlyDictionary<string, object?> values, string field, string what, string example)
    {
        if (!values.TryGetValue(field, out var value) || value is not string { Length: > 0 } text)
        {
            return;
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(text);
        }
        catch (ArgumentException)
        {
            // The message could quote the string; the caller knows what they sent.
            throw new UserErrorException($"{what} is not a valid PostgreSQL connection string ({example}).");
        }

        if (!string.IsNullOrEmpty(builder.Password))
        {
            throw new UserErrorException(
                $"{what} must not hold the password: set password_ref to env:VARIABLE or file:/path, read by every node.");
        }

        if (string.IsNullOrEmpty(builder.Host))
        {
            throw new UserErrorException($"{what} needs a Host.");
        }
    }

    private async Task<object?> MoveToServerAsync(MethodCall call)
    {
        var a = call.Bind(Parameter.Required("ids"), Parameter.Required("server_id"));
        await PortalRoles.EnsureManagerAsync(call.Env, "move client databases", call.CancellationToken);
        var ids = SaasPortal.Orm.Records.Values.ToIds(a[0], "ids");
        if (ids.Count != 1)
        {
            throw new UserErrorException("This operation works on exactly one client.");
        }

        var server = a[1] as int? ?? throw new UserErrorException("server_id must be a server's id.");
        return (await mover.MoveAsync(call.Env.Database, ids[0], server, call.CancellationToken)).ToWire();
    }

    private async Task<object?> DrainAsync(MethodCall call)
    {
        var ids = SaasPortal.Orm.Records.Values.ToIds(call.Bind(Parameter.Required("ids"))[0], "ids");
        await PortalRoles.EnsureManagerAsync(call.Env, "drain servers", call.CancellationToken);
        var moved = 0;
        foreach (var id in ids)
        {
            moved += (await mover.DrainAsync(call.Env.Database, id, call.CancellationToken)).Count(m => m.Moved);
        }

        return moved;
    }

    private static Task<object?> CheckedWriteAsync(MethodCall call)
    {
        foreach (var values in ValueDicts(call))
        {
            CheckServerValues(values);
        }

        return call.SuperAsync();
    }

    /// <summary>The value dicts of create(vals | [vals]) and write(ids, vals), positional or by keyword.</summary>
    private static IEnumerable<IReadOnlyDictionary<string, object?>> ValueDicts(MethodCall call)
    {
        var candidates = call.Args.Concat(call.Kwargs.Values);
        foreach (var candidate in candidates)
        {
            if (candidate is IReadOnlyDictionary<string, object?> one)
            {
                yield return one;
            }
            else if (candidate is IEnumerable<object?> many)
            {
                foreach (var item in many.OfType<IReadOnlyDictionary<string, object?>>())
                {
                    yield return item;
                }
            }
        }
    }
}
