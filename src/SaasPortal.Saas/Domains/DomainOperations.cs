using System.Globalization;
using System.Security.Cryptography;
using SaasPortal.Orm;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Methods;
using SaasPortal.Saas.Portal;
using SaasPortal.Storage.Databases;

namespace SaasPortal.Saas.Domains;

/// <summary>
/// A client's own host names: <c>saas_portal.client.add_domain([id], host_name)</c>, then
/// <c>saas_portal.client.domain.verify([ids], method=None)</c> once the proof is published, and
/// <c>saas_portal.client.domain.remove([ids])</c>. The client's owner (the portal user whose partner owns it) may do
/// this for their own clients, portal managers for any. Only a verified domain routes to its tenant.
/// </summary>
public sealed class DomainOperations(DatabaseManager databases, DomainDirectory directory, HttpOwnershipCheck httpCheck, TimeProvider time)
{
    /// <summary>The domain model.</summary>
    public const string Model = "saas_portal.client.domain";

    /// <summary>Portal parameter: host:port every HTTP check connects to instead of the domain's own address.</summary>
    public const string VerificationAddressParameter = "saas_portal.domain_verification_address";

    private const string Clients = "saas_portal.client";

    private static readonly string[] InfoFields = ["name", "client_id", "state", "verification_token", "verified_date", "verified_by"];

    /// <summary><c>add_domain([client_id], host_name)</c>: records a pending domain and returns how to prove it.</summary>
    public async Task<object?> AddDomainAsync(MethodCall call)
    {
        var a = call.Bind(Parameter.Required("ids"), Parameter.Required("host_name"));
        var ct = call.CancellationToken;
        var clientId = await SingleClientAsync(call.Env, a[0], "add domains to", ct);
        var host = HostName.Normalise(a[1] as string, out var error) ?? throw new ValidationErrorException(error);
        await EnsureAvailableAsync(call.Env, clientId, host, ct);

        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var domain = await call.Env.Sudo()[Model].CreateAsync(Wire.Values(
            ("name", host), ("client_id", clientId), ("state", "pending"), ("verification_token", token)), ct);
        directory.Invalidate();
        return await InfoAsync(call.Env, domain.Id, ct);
    }

    /// <summary>
    /// <c>verify([ids], method=None)</c>: checks each pending domain by its HTTP token (<c>method='http'</c>, the
    /// default) and marks it verified. A failed check is a user error saying what was found; already verified
    /// domains stay verified.
    /// </summary>
    public async Task<object?> VerifyAsync(MethodCall call)
    {
        var a = call.Bind(Parameter.Required("ids"), Parameter.Optional("method"));
        var ct = call.CancellationToken;
        var method = a[1] as string ?? "http";
        if (method is not "http")
        {
            throw new ValidationErrorException($"Unknown verification method '{method}': use 'http' (DNS TXT verification is not available on this portal).");
        }

        var ids = await OwnDomainsAsync(call.Env, a[0], "verify domains of", ct);
        var connectTo = await ConfigParameters.GetAsync(call.Env, VerificationAddressParameter, ct);
        var results = new List<object?>();
        foreach (var row in await call.Env.Sudo()[Model].Browse(ids).ReadAsync(InfoFields, ct))
        {
            var id = (int)row["id"]!;
            var host = Wire.Text(row["name"])!;
            if (Wire.Text(row["state"]) == "verified")
            {
                results.Add(await InfoAsync(call.Env, id, ct));
                continue;
            }

            var clientId = Wire.Many2oneId(row["client_id"])!.Value;
            await EnsureNotVerifiedElsewhereAsync(call.Env, clientId, host, ct);
            var outcome = await httpCheck.CheckAsync(host, Wire.Text(row["verification_token"])!, connectTo, ct);
            if (!outcome.Verified)
            {
                // The whole call rolls back: a check that fails for one domain verifies none of the others either.
                throw new UserErrorException($"The domain {host} is not verified yet: {outcome.Detail}");
            }

            await call.Env.Sudo()[Model].Browse(id).WriteAsync(Wire.Values(
                ("state", "verified"), ("verified_date", Format(time.GetUtcNow().UtcDateTime)), ("verified_by", method)), ct);
            // The name is now this client's: other clients' claims on it can never succeed.
            var rivals = await call.Env.Sudo()[Model].SearchAsync(Wire.Domain(("name", "=", host), ("id", "!=", id)), ct);
            await rivals.UnlinkAsync(ct);
            results.Add(await InfoAsync(call.Env, id, ct));
        }

        directory.Invalidate();
        return results;
    }

    /// <summary><c>remove([ids])</c>: deletes the domains; they stop routing at once on this node.</summary>
    public async Task<object?> RemoveAsync(MethodCall call)
    {
        var a = call.Bind(Parameter.Required("ids"));
        var ids = await OwnDomainsAsync(call.Env, a[0], "remove domains of", call.CancellationToken);
        await call.Env.Sudo()[Model].Browse(ids).UnlinkAsync(call.CancellationToken);
        directory.Invalidate();
        return true;
    }

    /// <summary>
    /// Whether <paramref name="token"/> is the token of a claim on <paramref name="host"/>: then
    /// <c>/.well-known/saasportal-verification/&lt;token&gt;</c> serves it there, once the host points at the portal.
    /// </summary>
    public static async Task<bool> IsClaimAsync(OrmEnvironment portal, string host, string token, CancellationToken cancellationToken) =>
        token.Length == 32 && token.All(char.IsAsciiHexDigitLower)
        && await portal.Sudo()[Model].SearchCountAsync(Wire.Domain(("name", "=", host), ("verification_token", "=", token)), cancellationToken) > 0;

    private async Task EnsureAvailableAsync(OrmEnvironment portal, int clientId, string host, CancellationToken cancellationToken)
    {
        var baseUrl = await ConfigParameters.GetAsync(portal, "web.base.url", cancellationToken);
        var portalHost = Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) ? uri.IdnHost.ToLowerInvariant() : null;
        // Names under the portal's host (and *.localhost) are how tenants are reached by their database name.
        if ((portalHost is not null && HostName.IsWithin(host, portalHost)) || HostName.IsWithin(host, "localhost"))
        {
            throw new ValidationErrorException($"{host} belongs to the portal itself; add a domain of your own.");
        }

        if (await portal.Sudo()[Clients].SearchCountAsync(Wire.Domain(("name", "=", host)), cancellationToken) > 0
            || await databases.ExistsAsync(host, cancellationToken))
        {
            throw new ValidationErrorException($"{host} is the name of a database on this portal.");
        }

        var claims = await portal.Sudo()[Model].SearchAsync(Wire.Domain(("name", "=", host)), cancellationToken);
        foreach (var claim in await claims.ReadAsync(["client_id", "state"], cancellationToken))
        {
            if (Wire.Text(claim["state"]) == "verified")
            {
                throw new ValidationErrorException($"{host} is already in use by a database of this portal.");
            }

            if (Wire.Many2oneId(claim["client_id"]) == clientId)
            {
                throw new ValidationErrorException($"{host} was already added to this database; verify it.");
            }
        }
    }

    private static async Task EnsureNotVerifiedElsewhereAsync(OrmEnvironment portal, int clientId, string host, CancellationToken cancellationToken)
    {
        if (await portal.Sudo()[Model].SearchCountAsync(Wire.Domain(("name", "=", host), ("state", "=", "verified"), ("client_id", "!=", clientId)), cancellationToken) > 0)
        {
            throw new UserErrorException($"{host} is already in use by another database of this portal.");
        }
    }

    private static async Task<int> SingleClientAsync(OrmEnvironment portal, object? ids, string what, CancellationToken cancellationToken)
    {
        var list = SaasPortal.Orm.Records.Values.ToIds(ids, "ids");
        if (list.Count != 1)
        {
            throw new UserErrorException("This operation works on exactly one client.");
        }

        var client = await portal.Sudo()[Clients].Browse(list[0]).ExistsAsync(cancellationToken);
        if (client.Count == 0)
        {
            throw new UserErrorException("This client does not exist.");
        }

        var row = (await client.ReadAsync(["partner_id", "state", "name"], cancellationToken))[0];
        await EnsureOwnerOrManagerAsync(portal, Wire.Many2oneId(row["partner_id"]), what, cancellationToken);
        if (Wire.Text(row["state"]) == "deleted")
        {
            throw new UserErrorException($"The database {Wire.Text(row["name"])} was deleted.");
        }

        return list[0];
    }

    private static async Task<List<int>> OwnDomainsAsync(OrmEnvironment portal, object? ids, string what, CancellationToken cancellationToken)
    {
        var list = SaasPortal.Orm.Records.Values.ToIds(ids, "ids").Distinct().ToList();
        var found = await portal.Sudo()[Model].Browse(list).ExistsAsync(cancellationToken);
        if (found.Count != list.Count)
        {
            throw new UserErrorException("Some of these domains do not exist.");
        }

        var clientIds = (await found.ReadAsync(["client_id"], cancellationToken)).Select(r => Wire.Many2oneId(r["client_id"])).OfType<int>().Distinct().ToList();
        foreach (var client in await portal.Sudo()[Clients].Browse(clientIds).ReadAsync(["partner_id"], cancellationToken))
        {
            await EnsureOwnerOrManagerAsync(portal, Wire.Many2oneId(client["partner_id"]), what, cancellationToken);
        }

        return list;
    }

    // The same message whether the client exists elsewhere or not, so a customer cannot probe other customers' ids.
    private static async Task EnsureOwnerOrManagerAsync(OrmEnvironment portal, int? partnerId, string what, CancellationToken cancellationToken)
    {
        if (await PortalRoles.IsManagerAsync(portal, cancellationToken))
        {
            return;
        }

        var own = Wire.Many2oneId(await portal.Sudo()["res.users"].Browse(portal.Uid).GetAsync("partner_id", cancellationToken));
        if (partnerId is null || own != partnerId)
        {
            throw new AccessErrorException($"Only the owner of a database and portal managers may {what} it.");
        }
    }

    private static async Task<Dictionary<string, object?>> InfoAsync(OrmEnvironment portal, int id, CancellationToken cancellationToken)
    {
        var row = (await portal.Sudo()[Model].Browse(id).ReadAsync(InfoFields, cancellationToken))[0];
        var host = Wire.Text(row["name"])!;
        var token = Wire.Text(row["verification_token"])!;
        row["http_url"] = $"http://{host}{DomainProof.WellKnownPath}{token}";
        row["http_content"] = token;
        return row;
    }

    private static string Format(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
