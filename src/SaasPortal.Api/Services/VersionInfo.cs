namespace SaasPortal.Api.Services;

/// <summary>The version the server reports: Odoo 8's, which the specification's clients expect.</summary>
public static class VersionInfo
{
    /// <summary>server_version and server_serie.</summary>
    public const string ServerVersion = "8.0";

    /// <summary>The dict of common.version() and /web/webclient/version_info.</summary>
    public static Dictionary<string, object?> Create() => new(StringComparer.Ordinal)
    {
        ["server_version"] = ServerVersion,
        ["server_version_info"] = new List<object?> { 8, 0, 0, "final", 0 },
        ["server_serie"] = ServerVersion,
        ["protocol_version"] = 1,
    };
}
