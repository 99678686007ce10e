using System.Text.Json;
using Microsoft.AspNetCore.Http;
using SaasPortal.Api.Services;

namespace SaasPortal.Api.JsonRpc;

/// <summary>Writes JSON-RPC answers in Odoo's shapes; errors are HTTP 200 with an <c>error</c> member.</summary>
internal static class JsonRpcResponder
{
    /// <summary>Odoo's code for every server-side error.</summary>
    public const int ServerErrorCode = 200;

    /// <summary>Odoo's code for a missing or expired web session.</summary>
    public const int SessionExpiredCode = 100;

    public static Task WriteResultAsync(HttpContext context, object? id, object? result) =>
        WriteAsync(context, id, writer =>
        {
            writer.WritePropertyName("result");
            JsonWire.WriteValue(writer, result);
        });

    public static Task WriteErrorAsync(HttpContext context, object? id, ServiceException fault) =>
        WriteErrorAsync(context, id, ServerErrorCode, "Odoo Server Error", fault.PythonName, fault.Message);

    public static Task WriteSessionExpiredAsync(HttpContext context, object? id) =>
        WriteErrorAsync(context, id, SessionExpiredCode, "Odoo Session Expired", "odoo.http.SessionExpiredException", "Session expired");

    public static Task WriteErrorAsync(HttpContext context, object? id, int code, string message, string name, string text) =>
        WriteAsync(context, id, writer =>
        {
            writer.WriteStartObject("error");
            writer.WriteNumber("code", code);
            writer.WriteString("message", message);
            writer.WriteStartObject("data");
            writer.WriteString("name", name);
            // Odoo puts the traceback here; the kind and message are what clients show, without server internals.
            writer.WriteString("debug", name + ": " + text);
            writer.WriteString("message", text);
            writer.WriteStartArray("arguments");
            writer.WriteStringValue(text);
            writer.WriteEndArray();
            writer.WriteStartObject("context");
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        });

    private static async Task WriteAsync(HttpContext context, object? id, Action<Utf8JsonWriter> body)
    {
        // Buffered: a value that cannot be written fails before the first byte goes out.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        await using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("jsonrpc", "2.0");
            writer.WritePropertyName("id");
            JsonWire.WriteValue(writer, id);
            body(writer);
            writer.WriteEndObject();
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }
}
