using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SaasPortal.Api.Services;
using SaasPortal.Server.Hosting;

namespace SaasPortal.Server.Observability;

/// <summary>
/// Health endpoints, OpenTelemetry metrics and traces, and log scopes. Registered after the edge and the model layer,
/// whose RPC services and ORM gateway it wraps rather than changes.
/// </summary>
internal static class ObservabilityRegistration
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    public const string MetricsPath = "/metrics";

    public static WebApplicationBuilder AddSaasPortalObservability(this WebApplicationBuilder builder, ServeSettings settings,
        ObservabilitySettings observability)
    {
        // Scopes (request id, trace id, the call's database) on every log line unless the operator's configuration says
        // otherwise: inserted first, so appsettings.json, the environment and the command line all win over it.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            // A formatter must be named for FormatterOptions to apply (unnamed, the console logger uses its legacy options).
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:Console:FormatterName"] = "simple",
                ["Logging:Console:FormatterOptions:IncludeScopes"] = "true",
            },
        });

        var services = builder.Services;
        services.TryAddSingleton(settings);
        services.AddSingleton(observability);
        services.AddSingleton<PortalGauges>();
        services.AddHostedService(sp => sp.GetRequiredService<PortalGauges>());
        services.AddSingleton<SaasPortalTelemetry>();
        Decorate<IRpcService>(services, (sp, inner) =>
            new MeasuredRpcService(inner, sp.GetRequiredService<SaasPortalTelemetry>(), sp.GetRequiredService<ILogger<MeasuredRpcService>>()));
        Decorate<IOrmGateway>(services, (sp, inner) =>
            new MeasuredOrmGateway(inner, sp.GetRequiredService<SaasPortalTelemetry>(), sp.GetRequiredService<ILogger<MeasuredOrmGateway>>()));

        services.AddHealthChecks()
            .AddCheck<PortalDatabaseHealthCheck>("portal_database", tags: ["ready"], timeout: TimeSpan.FromSeconds(5))
            .AddCheck<DiskSpaceHealthCheck>("disk_space", tags: ["ready"]);

        var otlp = observability.OtlpEndpoint;
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("saasportal", serviceVersion: typeof(ObservabilityRegistration).Assembly.GetName().Version?.ToString()))
            .WithMetrics(metrics =>
            {
                // System.Runtime: the runtime's own meter (GC heap, working set, exceptions, thread pool), so memory
                // can be watched from outside; the soak run (bench soak) reads the GC heap from here.
                metrics.AddMeter(SaasPortalTelemetry.Name, "System.Runtime").AddAspNetCoreInstrumentation().AddPrometheusExporter();
                if (otlp is not null)
                {
                    metrics.AddOtlpExporter(o => o.Endpoint = otlp);
                }
            });
        // Spans cost on every request; without a collector to send them to they are not made at all.
        if (otlp is not null)
        {
            telemetry.WithTracing(tracing => tracing.AddSource(SaasPortalTelemetry.Name).AddAspNetCoreInstrumentation().AddOtlpExporter(o => o.Endpoint = otlp));
        }

        return builder;
    }

    public static IEndpointRouteBuilder MapSaasPortalObservability(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponse.WriteAsync });
        endpoints.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = HealthResponse.WriteAsync });
        endpoints.MapPrometheusScrapingEndpoint(MetricsPath);
        return endpoints;
    }

    /// <summary>Replaces every registration of <typeparamref name="T"/> with <paramref name="decorate"/> around the original.</summary>
    private static void Decorate<T>(IServiceCollection services, Func<IServiceProvider, T, T> decorate)
        where T : class
    {
        foreach (var descriptor in services.Where(d => d.ServiceType == typeof(T)).ToList())
        {
            services.Remove(descriptor);
            services.Add(ServiceDescriptor.Describe(typeof(T), sp => decorate(sp, (T)Create(sp, descriptor)), descriptor.Lifetime));
        }
    }

    private static object Create(IServiceProvider services, ServiceDescriptor descriptor) =>
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(services)
        ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!);
}
