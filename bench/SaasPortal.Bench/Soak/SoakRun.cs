using System.Diagnostics;
using System.Text.RegularExpressions;
using SaasPortal.Client;

namespace SaasPortal.Bench.Soak;

/// <summary>A running server to soak: where it answers, its process (for RSS), and the portal's administrator.</summary>
internal sealed record SoakTarget(string Url, int ProcessId, string PortalDatabase, string AdminPassword, string TenantPrefix);

/// <summary>
/// The soak itself, against a running server: provisions the tenants through the portal, runs the clients for the
/// duration while sampling memory, resumes every tenant, then compares each tenant's records with the ledger.
/// </summary>
internal static partial class SoakRun
{
    private const string OwnerLogin = "soak-owner@example.com";

    public static async Task<SoakOutcome> RunAsync(SoakOptions options, SoakTarget target, Action<string> log, CancellationToken cancellationToken)
    {
        var counter = new StatusCounter(new SocketsHttpHandler { MaxConnectionsPerServer = 1024, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) });
        using var http = new HttpClient(counter, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        var url = new Uri(target.Url);
        OdooClient[] protocols = [new(http, url, RpcProtocol.XmlRpc), new(http, url, RpcProtocol.JsonRpc)];
        var admin = await protocols[0].LoginAsync(target.PortalDatabase, "admin", target.AdminPassword, cancellationToken);

        var provisioning = Stopwatch.StartNew();
        var ownerPassword = "soak-" + Guid.NewGuid().ToString("N")[..12];
        var tenants = await ProvisionAsync(options, target, protocols[0], admin, ownerPassword, cancellationToken);
        var provisioningSeconds = provisioning.Elapsed.TotalSeconds;
        log($"soak: {tenants.Count} tenants provisioned through the portal in {provisioningSeconds:F0} s");

        var shared = new SoakShared
        {
            Tenants = tenants,
            Protocols = protocols,
            PortalDatabase = target.PortalDatabase,
            AdminPassword = target.AdminPassword,
            OwnerPassword = ownerPassword,
            PortalAdminUid = admin.Uid,
            Options = options,
        };
        var sampler = new MemorySampler(target.ProcessId, http, target.Url + "/metrics", options.SampleInterval);
        using var stopSampling = new CancellationTokenSource();
        var sampling = sampler.RunAsync(stopSampling.Token);
        var load = Stopwatch.StartNew();
        var stopAt = Stopwatch.GetTimestamp() + (long)(options.Duration.TotalSeconds * Stopwatch.Frequency);
        var clients = Enumerable.Range(0, options.Clients)
            .Select(i => Task.Run(() => new SoakClient(i, shared, seed: i * 7919 + 17).RunAsync(stopAt, cancellationToken), cancellationToken))
            .ToArray();
        using (var progress = new PeriodicTimer(TimeSpan.FromSeconds(30)))
        {
            var all = Task.WhenAll(clients);
            while (await Task.WhenAny(all, progress.WaitForNextTickAsync(cancellationToken).AsTask()) != all)
            {
                var figures = shared.Tally.Figures();
                log($"soak: {load.Elapsed.TotalSeconds:F0} s, {figures.Sum(f => f.Acknowledged)} calls answered, {counter.ServerErrors} 5xx, "
                    + $"{shared.Tally.ErrorCount} errors, rss {MemorySampler.ResidentBytes(target.ProcessId) / 1048576.0:F0} MB");
            }

            await all;
        }

        var loadSeconds = load.Elapsed.TotalSeconds;
        await stopSampling.CancelAsync();
        await sampling;
        log($"soak: load over after {loadSeconds:F0} s; resuming every tenant and verifying the ledger");

        // Every tenant ends resumed, so that the verification also proves a suspension leaves nothing behind.
        foreach (var tenant in tenants)
        {
            var (outcome, _) = await SoakCall.RunAsync(shared.Tally, options.CallTimeout, OperationKind.Resume,
                ct => admin.Portal().ResumeAsync(tenant.ClientRecordId, ct), cancellationToken);
            if (outcome == Outcome.Acknowledged)
            {
                tenant.Resumed();
            }
        }

        var verifications = new List<TenantVerification>();
        var byTenant = shared.Records.ToLookup(r => r.Tenant, StringComparer.Ordinal);
        foreach (var tenant in tenants)
        {
            var superuser = await protocols[0].LoginAsync(tenant.Name, "admin", target.AdminPassword, cancellationToken);
            var rows = await superuser.Model("res.partner").SearchReadAsync([new List<object?> { "ref", "like", "w" }],
                ["ref", "name", "function", "comment"], cancellationToken);
            var stored = rows.Select(SoakRows.ToStored).Where(r => SoakReference().IsMatch(r.Reference)).ToList();
            verifications.Add(LedgerVerifier.Verify(tenant.Name, [.. byTenant[tenant.Name]], stored));
        }

        // Suspended tenants must refuse their owner and resumed ones serve again: one owner call per tenant says so.
        var stillRefusing = new List<string>();
        foreach (var tenant in tenants)
        {
            var owner = protocols[0].Session(tenant.Name, tenant.OwnerUid, ownerPassword);
            try
            {
                await owner.Model("res.partner").SearchCountAsync([], cancellationToken);
            }
            catch (OdooFaultException fault)
            {
                stillRefusing.Add($"{tenant.Name}: after resume the owner's call is refused: {fault.Message}");
            }
        }

        return new SoakOutcome
        {
            Tenants = tenants.Count,
            ProvisioningSeconds = provisioningSeconds,
            LoadSeconds = loadSeconds,
            Operations = shared.Tally.Figures(),
            Errors = shared.Tally.ErrorCount,
            FirstErrors = shared.Tally.FirstErrors,
            HttpStatuses = counter.Counts.OrderBy(p => p.Key).ToDictionary(p => p.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), p => p.Value),
            ClientSeen5xx = counter.ServerErrors,
            ServerCounted5xx = await sampler.ServerErrorsAsync(cancellationToken),
            ReadChecks = Interlocked.Read(ref shared.ReadChecks),
            ReadViolations = [.. shared.ReadViolations],
            Verification = verifications,
            NotResumed = stillRefusing,
            Memory = sampler.Samples,
        };
    }

    /// <summary>Signs an owner up on the portal and sells them <see cref="SoakOptions.Tenants"/> databases, four at a time.</summary>
    private static async Task<IReadOnlyList<SoakTenant>> ProvisionAsync(SoakOptions options, SoakTarget target, OdooClient client, OdooSession admin,
        string ownerPassword, CancellationToken cancellationToken)
    {
        await admin.Portal().SignupAsync(OwnerLogin, "Soak Owner", ownerPassword, cancellationToken);
        var owner = await client.Common.AuthenticateAsync(target.PortalDatabase, OwnerLogin, ownerPassword, cancellationToken)
            ?? throw new InvalidOperationException("The signed-up owner cannot log in to the portal.");
        var tenants = new SoakTenant[options.Tenants];
        await Parallel.ForEachAsync(Enumerable.Range(0, options.Tenants), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var name = $"{target.TenantPrefix}-t{i:D3}";
                var database = await admin.Portal().CreateNewDatabaseAsync(
                    new NewDatabaseRequest { PlanId = 1, DatabaseName = name, UserId = owner, OwnerPassword = ownerPassword }, ct);
                var uid = await client.Common.AuthenticateAsync(name, OwnerLogin, ownerPassword, ct)
                    ?? throw new InvalidOperationException($"The owner cannot log in to {name}.");
                tenants[i] = new SoakTenant(name, database.ClientRecordId, uid);
            });
        return tenants;
    }

    [GeneratedRegex(@"^w\d+\.\d+$")]
    private static partial Regex SoakReference();
}
