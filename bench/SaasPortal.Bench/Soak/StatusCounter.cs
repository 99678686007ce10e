using System.Collections.Concurrent;
using System.Net;

namespace SaasPortal.Bench.Soak;

/// <summary>Counts every HTTP answer by status code, below the RPC client, so no 5xx can hide behind a retry or a fault.</summary>
internal sealed class StatusCounter(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private readonly ConcurrentDictionary<int, long> _counts = new();

    public IReadOnlyDictionary<int, long> Counts => _counts.ToDictionary(p => p.Key, p => p.Value);

    public long ServerErrors => _counts.Where(p => p.Key >= 500).Sum(p => p.Value);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        _counts.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
        return response;
    }

    public static bool IsServerError(HttpStatusCode? status) => status is { } s && (int)s >= 500;
}
