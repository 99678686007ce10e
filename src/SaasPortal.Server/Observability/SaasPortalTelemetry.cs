using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SaasPortal.Server.Observability;

/// <summary>
/// The server's own instruments: one <see cref="Meter"/> and one <see cref="ActivitySource"/> named
/// <see cref="Name"/>, exported by OpenTelemetry (Prometheus scrape endpoint, and OTLP when an endpoint is set).
/// </summary>
internal sealed class SaasPortalTelemetry : IDisposable
{
    public const string Name = "SaasPortal";

    /// <summary>Distinct (service, model, method) series kept before further ones are folded into "other".</summary>
    private const int MaxSeries = 2000;

    private readonly Meter _meter;
    private readonly Histogram<double> _rpcDuration;
    private readonly Counter<long> _failedLogins;
    private readonly ConcurrentDictionary<(string, string, string), bool> _series = new();

    public SaasPortalTelemetry(IMeterFactory meters, PortalGauges gauges)
    {
        _meter = meters.Create(Name);
        _rpcDuration = _meter.CreateHistogram<double>("saasportal.rpc.duration", "s",
            "Duration of RPC calls by service, model and method (its count is the number of calls)");
        _failedLogins = _meter.CreateCounter<long>("saasportal.logins.failed", "{login}", "Logins refused for a wrong login or password");
        _meter.CreateObservableGauge("saasportal.tenants", gauges.Tenants, "{tenant}", "Client databases of the portal by state");
        _meter.CreateObservableGauge("saasportal.storage.used", gauges.StorageUsed, "By", "Bytes used by every database and file store, by kind");
        _meter.CreateObservableGauge("saasportal.storage.free", gauges.StorageFree, "By", "Free bytes on the data directory's file system");
    }

    /// <summary>Traces of RPC calls, beside ASP.NET Core's request spans.</summary>
    public static ActivitySource Source { get; } = new(Name);

    /// <summary>Records one call; <paramref name="model"/> is empty for services without models (common, db).</summary>
    public void RecordCall(string service, string model, string method, string outcome, TimeSpan elapsed)
    {
        // Model and method names come from clients: a bounded set of series keeps a hostile client from growing memory.
        var key = (service, Bound(model), Bound(method));
        if (!_series.ContainsKey(key) && (_series.Count >= MaxSeries || !_series.TryAdd(key, true)))
        {
            key = (service, "other", "other");
        }

        _rpcDuration.Record(elapsed.TotalSeconds,
            new("rpc.service", key.Item1), new("saasportal.model", key.Item2), new("rpc.method", key.Item3), new("saasportal.outcome", outcome));
    }

    public void RecordFailedLogin() => _failedLogins.Add(1);

    public void Dispose() => _meter.Dispose();

    private static string Bound(string name) => name.Length <= 64 ? name : name[..64];
}
