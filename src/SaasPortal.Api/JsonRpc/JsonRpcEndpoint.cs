using Microsoft.AspNetCore.Http;
using SaasPortal.Api.Services;

namespace SaasPortal.Api.JsonRpc;

/// <summary>
/// Runs a JSON-RPC route: reads the request, calls the route's handler with its params, and answers with
/// the result or Odoo's error shape. Used by /jsonrpc and the web-session routes alike.
/// </summary>
internal sealed class JsonRpcEndpoint(FaultMapper faults)
{
    public async Task HandleAsync(HttpContext context, string route,
        Func<JsonRpcRequest, CancellationToken, Task<object?>> handler)
    {
        var cancellationToken = context.RequestAborted;
        JsonRpcRequest request;
        try
        {
            request = await JsonWire.ReadRequestAsync(context.Request.Body, cancellationToken);
        }
        catch (JsonWireException e)
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
            await JsonRpcResponder.WriteResultAsync(context, request.Id, result);
        }
        catch (SessionExpiredException)
        {
            await JsonRpcResponder.WriteSessionExpiredAsync(context, request.Id);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Exception e)
        {
            await JsonRpcResponder.WriteErrorAsync(context, request.Id, faults.Map(e, route, route));
        }
    }
}

/// <summary>The call needs a web session and has none that is valid (JSON-RPC error code 100).</summary>
internal sealed class SessionExpiredException : Exception;
