using Microsoft.Extensions.Configuration;

namespace SaasPortal.Server.Hosting;

/// <summary>
/// The configuration sources of the host, in the order ASP.NET Core layers them, for commands that build no host:
/// appsettings.json, appsettings.&lt;Environment&gt;.json, environment variables, then the command line.
/// </summary>
internal static class ConfigurationSources
{
    public static IConfiguration Build(IReadOnlyDictionary<string, string?> commandLine)
    {
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
            ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Production";
        return new ConfigurationBuilder()
            .SetBasePath(Directory.GetCurrentDirectory())
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(commandLine)
            .Build();
    }
}
