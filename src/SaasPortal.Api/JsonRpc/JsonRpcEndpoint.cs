using Microsoft.AspNetCore.Http;
using SaasPortal.Api.Services;
using SaasPortal.Rpc.JsonRpc;

namespace SaasPortal.Api.JsonRpc;

/// <summary>
/// Runs a JSON-RPC route: reads the request, calls the route's handler with it, and answers with the result or
/// Odoo's error shape (HTTP 200). Used by /jsonrpc and the web-session routes alike. A body that is not a JSON-RPC
/// request gets HTTP 400.
/// </summary>
internal sealed class JsonRpcEndpoint(JsonRpcCodec codec, FaultMapper faults)
{
    public async Task HandleAsync(HttpContext context, string route,
        Func<JsonRpcRequest, CancellationToken, Task<object?>> handler)
    {
        var cancellationToken = context.RequestAborted;
        JsonRpcRequest request;
        try
        {
            request = await codec.ReadRequestAsync(context.Request.Body, cancellationToken);
        }
        catch (JsonRpcFormatException e)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("Bad JSON-RPC request: " + e.Message, cancellationToken);
            return;
        }
        catch (BadHttpRequestException e)
        {
            context.Response.StatusCode = e.StatusCode;
            return;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        try
        {
            var result = await handler(request, cancellationToken);
            context.Response.ContentType = "application/json";
            // Rendered in memory before sending, so an unwritable result still becomes an error answer below.
            await codec.WriteResultAsync(context.Response.Body, request.Id, result, cancellationToken);
        }
        catch (SessionExpiredException)
        {
            context.Response.ContentType = "application/json";
            await codec.WriteErrorAsync(context.Response.Body, request.Id, JsonRpcError.SessionExpired(), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Exception e)
        {
            var fault = faults.Map(e, route, route);
            context.Response.ContentType = "application/json";
            await codec.WriteErrorAsync(context.Response.Body, request.Id, JsonRpcError.ServerError(fault.PythonName, fault.Message), cancellationToken);
        }
    }
}

/// <summary>The call needs a web session and has none that is valid (JSON-RPC error code 100).</summary>
internal sealed class SessionExpiredException : Exception;
