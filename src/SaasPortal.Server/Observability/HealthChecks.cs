using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SaasPortal.Server.Hosting;
using SaasPortal.Storage.Databases;

namespace SaasPortal.Server.Observability;

/// <summary>Ready only when the portal database answers a query: without it no sign-up, plan or client call works.</summary>
internal sealed class PortalDatabaseHealthCheck(IDatabaseServer server, ServeSettings settings) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await server.OpenAsync(settings.PortalDatabase, cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{settings.PortalDatabase} answers");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The message names the problem; the exception (which may carry connection details) is not part of the response.
            return HealthCheckResult.Unhealthy($"{settings.PortalDatabase} does not answer: {e.GetType().Name}");
        }
    }
}

/// <summary>Ready only with room to write: a full disk corrupts nothing in SQLite but fails every write and upload.</summary>
internal sealed class DiskSpaceHealthCheck(ServeSettings settings, ObservabilitySettings health) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var free = DiskSpace.FreeBytes(settings.DataDirectory);
        var minimum = health.MinFreeDiskMegabytes * 1024L * 1024L;
        return Task.FromResult(free switch
        {
            null => HealthCheckResult.Unhealthy("The data directory's free space cannot be read"),
            var bytes when bytes < minimum => HealthCheckResult.Unhealthy($"{bytes / (1024 * 1024)} MB free in the data directory, below {health.MinFreeDiskMegabytes} MB"),
            var bytes => HealthCheckResult.Healthy($"{bytes / (1024 * 1024)} MB free"),
        });
    }
}

/// <summary>The health response: overall status and each check's status and description, as JSON.</summary>
internal static class HealthResponse
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var body = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["status"] = report.Status.ToString(),
            ["checks"] = report.Entries.ToDictionary(e => e.Key, e => new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["status"] = e.Value.Status.ToString(),
                ["description"] = e.Value.Description,
            }, StringComparer.Ordinal),
        };
        return context.Response.WriteAsync(Commands.CommandOutput.ToNode(body)!.ToJsonString(), context.RequestAborted);
    }
}
