using System.Globalization;
using System.Text.Json;

namespace SaasPortal.Storage.Backups;

/// <summary>Turns a portable JSON value back into what the target column takes, by the source's and the target's types.</summary>
internal static class PortableValues
{
    private static readonly string[] DateFormats =
    [
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFF",
    ];

    public static object ToTarget(JsonElement value, string sourceType, string targetType, DatabaseBackend backend)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return DBNull.Value;
        }

        if (sourceType == PortableSchema.Binary && value.ValueKind == JsonValueKind.String)
        {
            return value.GetBytesFromBase64();
        }

        var postgres = backend == DatabaseBackend.Postgres;
        return targetType switch
        {
            PortableSchema.Integer => value.ValueKind switch
            {
                JsonValueKind.True => 1L,
                JsonValueKind.False => 0L,
                JsonValueKind.Number when value.TryGetInt64(out var n) => n,
                JsonValueKind.Number => value.GetDouble(),
                JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
                _ => Raw(value),
            },
            PortableSchema.Boolean => value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Number => value.GetDouble() != 0,
                JsonValueKind.String => value.GetString() is "1" or "t" or "true" or "True",
                _ => Raw(value),
            },
            PortableSchema.Double => value.ValueKind switch
            {
                JsonValueKind.Number => value.GetDouble(),
                JsonValueKind.True => 1.0,
                JsonValueKind.False => 0.0,
                JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
                _ => Raw(value),
            },
            PortableSchema.Date or PortableSchema.DateTime when postgres && value.ValueKind == JsonValueKind.String =>
                DateTime.ParseExact(value.GetString()!, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None),
            _ => Raw(value),
        };
    }

    /// <summary>Text as text; other kinds as their JSON text (SQLite columns take any value).</summary>
    private static object Raw(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => 1L,
        JsonValueKind.False => 0L,
        JsonValueKind.Number when value.TryGetInt64(out var n) => n,
        JsonValueKind.Number => value.GetDouble(),
        _ => value.GetRawText(),
    };
}
