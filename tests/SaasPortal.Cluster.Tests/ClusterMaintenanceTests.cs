using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Npgsql;

namespace SaasPortal.Cluster.Tests;

/// <summary>
/// The maintenance pass (sync, expiry, scheduled backups) runs once per interval across both nodes, only under the
/// portal's advisory lock, and the plan's backup schedule writes verified archives and keeps the newest N per client.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class ClusterMaintenanceTests(ClusterFixture cluster)
{
    /// <summary>MaintenanceLock.Key in the server: the advisory lock the nodes take on the portal database.</summary>
    private const long LockKey = 0x53616173506F7274;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_nodes_run_at_most_one_maintenance_pass_per_interval_between_them()
    {
        var window = TimeSpan.FromSeconds(10);
        var before = Passes();
        await Task.Delay(window, Ct);
        var passes = Passes() - before;

        // Passes start at least one interval apart whichever node runs them, so a window holds at most window/interval + 1
        // of them (plus one logged in the window that started before it); two nodes each on their own would run about twice that.
        var most = (int)(window / ClusterFixture.MaintenanceInterval) + 2;
        Assert.InRange(passes, 1, most);
    }

    [Fact]
    public async Task Plans_back_up_each_client_on_schedule_keep_the_newest_archives_and_pause_while_another_holds_the_lock()
    {
        using var rpc = new Rpc();
        await rpc.ExecuteAsync(cluster.A.Url, cluster.Admin, "saas_portal.plan", "write",
            [new JsonArray(cluster.PlanId), new JsonObject { ["backup_interval"] = "daily", ["backup_keep"] = 2 }], null, Ct);

        // First pass after the plan asks for backups: one archive per client, whichever node took it.
        var first = await WaitForBackupsAsync(rpc, backups => cluster.Tenants.All(t => backups.Count(b => b.Database == t) == 1));
        foreach (var backup in first)
        {
            AssertArchive(backup);
        }

        // While something else holds the maintenance lock, no node runs a pass even though every client is due again.
        await using (var holder = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(cluster.Postgres) { Database = cluster.PortalDatabase, Pooling = false }.ConnectionString))
        {
            await holder.OpenAsync(Ct);
            await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({LockKey})", holder))
            {
                await take.ExecuteNonQueryAsync(Ct);
            }

            await AgeBackupsAsync(rpc);
            await Task.Delay(ClusterFixture.MaintenanceInterval * 3, Ct);
            Assert.Equal(first.Count, (await BackupsAsync(rpc)).Count);
        }

        // Released (here by closing the session, as a dead node's would be): the next pass backs every client up again.
        var second = await WaitForBackupsAsync(rpc, backups => cluster.Tenants.All(t => backups.Count(b => b.Database == t) == 2));

        // A third round exceeds backup_keep = 2: the oldest archive of each client goes, file and record.
        await AgeBackupsAsync(rpc);
        var third = await WaitForBackupsAsync(rpc, backups => backups.Count(b => !second.Any(s => s.Id == b.Id)) == cluster.Tenants.Count);
        foreach (var tenant in cluster.Tenants)
        {
            var kept = third.Where(b => b.Database == tenant).ToList();
            Assert.Equal(2, kept.Count);
            var oldest = first.Single(b => b.Database == tenant);
            Assert.DoesNotContain(kept, b => b.Id == oldest.Id);
            Assert.False(File.Exists(PathOf(oldest)), $"{oldest.Name} was pruned from the records but not from the disk");
            var onDisk = Directory.GetFiles(Path.Combine(BackupDirectory, tenant)).Select(Path.GetFileName).Order(StringComparer.Ordinal);
            Assert.Equal(kept.Select(b => Path.GetFileName(b.Name)).Order(StringComparer.Ordinal), onDisk);
            kept.ForEach(AssertArchive);
        }
    }

    private string BackupDirectory => Path.Combine(cluster.DataDirectory, "backups");

    private string PathOf(Backup backup) => Path.Combine(BackupDirectory, backup.Name);

    private void AssertArchive(Backup backup)
    {
        var path = PathOf(backup);
        Assert.True(File.Exists(path), $"{path} is missing");
        using (var file = File.OpenRead(path))
        {
            Assert.Equal(backup.Sha256, Convert.ToHexStringLower(SHA256.HashData(file)));
        }

        using var zip = ZipFile.OpenRead(path);
        using var manifest = zip.GetEntry("manifest.json")!.Open();
        var json = JsonNode.Parse(manifest)!;
        Assert.Equal("saasportal-backup", Json.Text(json["format"]));
        Assert.Equal(backup.Database, Json.Text(json["database"]));
    }

    private int Passes() => PassLine().Count(cluster.Logs());

    /// <summary>Pretends a day went by: every recorded backup becomes two days old, so every client is due.</summary>
    private async Task AgeBackupsAsync(Rpc rpc)
    {
        var ids = new JsonArray([.. (await BackupsAsync(rpc)).Select(b => (JsonNode)b.Id)]);
        await rpc.ExecuteAsync(cluster.A.Url, cluster.Admin, "saas_portal.backup", "write",
            [ids, new JsonObject { ["backup_datetime"] = DateTime.UtcNow.AddDays(-2).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) }],
            null, Ct);
    }

    private async Task<List<Backup>> WaitForBackupsAsync(Rpc rpc, Func<List<Backup>, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var backups = await BackupsAsync(rpc);
            if (done(backups))
            {
                return backups;
            }

            if (clock.Elapsed > Patience)
            {
                Assert.Fail($"backups did not reach the expected state within {Patience}: {string.Join(", ", backups.Select(b => b.Name))}\n{cluster.Logs()}");
            }

            await Task.Delay(500, Ct);
        }
    }

    private async Task<List<Backup>> BackupsAsync(Rpc rpc)
    {
        var domain = new JsonArray(new JsonArray("database", "in", new JsonArray([.. cluster.Tenants.Select(t => (JsonNode)t)])));
        var rows = await rpc.ExecuteAsync(cluster.B.Url, cluster.Admin, "saas_portal.backup", "search_read", [domain],
            new JsonObject { ["fields"] = new JsonArray("name", "database", "sha256") }, Ct);
        return [.. Json.Items(rows).Select(r => new Backup(Json.Int(r["id"]), Json.Text(r["name"])!, Json.Text(r["database"])!, Json.Text(r["sha256"])!))];
    }

    [GeneratedRegex("Client maintenance: ", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex PassLine();

    private sealed record Backup(int Id, string Name, string Database, string Sha256);
}
