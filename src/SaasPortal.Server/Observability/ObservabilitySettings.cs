using System.Globalization;
using Microsoft.Extensions.Configuration;
using SaasPortal.Server.Hosting;

namespace SaasPortal.Server.Observability;

/// <summary>Settings of health and telemetry, read and checked with the other settings before the host is built.</summary>
internal sealed record ObservabilitySettings
{
    public const int DefaultMinFreeDiskMegabytes = 256;

    /// <summary><c>SaasPortal:MinFreeDiskMegabytes</c>: below this much free space in the data directory, /health/ready fails.</summary>
    public required int MinFreeDiskMegabytes { get; init; }

    /// <summary>Where OTLP metrics and traces go; null: no OTLP export (Prometheus scraping still works).</summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary>Reads the settings; a problem is a <see cref="SettingsException"/>.</summary>
    public static ObservabilitySettings Read(IConfiguration configuration) => new()
    {
        MinFreeDiskMegabytes = ReadMinFreeDisk(configuration),
        OtlpEndpoint = ReadOtlpEndpoint(configuration),
    };

    /// <summary><c>SaasPortal:OtlpEndpoint</c>, else OpenTelemetry's own <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>; null means no OTLP export.</summary>
    private static Uri? ReadOtlpEndpoint(IConfiguration configuration)
    {
        var text = configuration[$"{ServeSettings.Section}:OtlpEndpoint"] is { Length: > 0 } configured
            ? configured
            : configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new SettingsException($"{ServeSettings.Section}:OtlpEndpoint: '{text}' is not an http:// or https:// URL.");
    }

    private static int ReadMinFreeDisk(IConfiguration configuration)
    {
        var key = $"{ServeSettings.Section}:MinFreeDiskMegabytes";
        if (configuration[key] is not { Length: > 0 } text)
        {
            return DefaultMinFreeDiskMegabytes;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new SettingsException($"{key}: '{text}' is not a whole number of megabytes.");
    }
}
