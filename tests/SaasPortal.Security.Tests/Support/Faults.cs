namespace SaasPortal.Security.Tests.Support;

/// <summary>What a fault may and may not say.</summary>
internal static class Faults
{
    /// <summary>
    /// Signs that an internal exception, rather than a refusal the product meant, reached the client: the edge's
    /// catch-all message, .NET type names, stack frames, driver messages.
    /// </summary>
    private static readonly string[] InternalSigns =
    [
        "Internal server error", "System.", "Microsoft.", "Npgsql", "SqliteException", "SQLite Error", "   at ", "NullReference",
        "IndexOutOfRange", "InvalidCast", "KeyNotFound", "ArgumentOutOfRange", "syntax error", "Unhandled", "unrecognized token",
    ];

    /// <summary>Null when the fault is a clean refusal, otherwise what gives it away.</summary>
    public static string? Internal(RpcFault fault) =>
        InternalSigns.FirstOrDefault(sign => fault.Text.Contains(sign, StringComparison.Ordinal)) is { } sign
            ? $"fault {fault.Code} shows '{sign}': {Clip(fault.Text)}"
            : null;

    public static string Clip(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
