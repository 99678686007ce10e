using Microsoft.AspNetCore.Http;
using SaasPortal.Api.Services;
using SaasPortal.Rpc;
using SaasPortal.Rpc.XmlRpc;

namespace SaasPortal.Api.XmlRpc;

/// <summary>
/// POST /xmlrpc/2/&lt;service&gt; (int fault codes) and the legacy /xmlrpc/&lt;service&gt; (string fault codes).
/// Every answer to a well-formed HTTP request is HTTP 200, faults included, except a body over the limit (413).
/// </summary>
internal sealed class XmlRpcEndpoint(XmlRpcCodec codec, ServiceDispatcher dispatcher, FaultMapper faults)
{
    private const string ContentType = "text/xml; charset=utf-8";

    public async Task HandleAsync(HttpContext context, string service, bool legacy)
    {
        var cancellationToken = context.RequestAborted;
        var method = "?";
        try
        {
            XmlRpcCall call;
            try
            {
                call = await codec.ReadCallAsync(context.Request.Body, cancellationToken);
            }
            catch (XmlRpcFormatException e)
            {
                throw ServiceException.Application("XML-RPC request could not be parsed: " + e.Message);
            }

            method = call.MethodName;
            var result = WireValues.FalseForNull(await dispatcher.CallAsync(service, call.MethodName, call.Params, cancellationToken));
            // The codec renders the whole response before sending, so a value it cannot write (RpcEncodingException)
            // still becomes a fault below, not a torn reply.
            context.Response.ContentType = ContentType;
            await codec.WriteResponseAsync(context.Response.Body, result, cancellationToken);
        }
        catch (BadHttpRequestException e)
        {
            // Over the body limit (413) or a broken upload: an HTTP answer, not a fault.
            context.Response.StatusCode = e.StatusCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
        catch (Exception e)
        {
            var fault = faults.Map(e, service, method);
            context.Response.ContentType = ContentType;
            var (code, text) = legacy ? LegacyFault(fault) : ((object)fault.FaultCode, FaultText(fault));
            await codec.WriteFaultAsync(context.Response.Body, code, text, cancellationToken);
        }
    }

    /// <summary>The fault string of /xmlrpc/2: the exception's kind, then its message, as the last line of a Python traceback reads.</summary>
    internal static string FaultText(ServiceException fault) => fault.FaultCode == ServiceException.AccessDeniedCode
        ? fault.Message
        : ShortName(fault.PythonName) + ": " + fault.Message;

    /// <summary>Odoo 8's string fault codes of /xmlrpc/&lt;service&gt; (xmlrpc_handle_exception_string).</summary>
    internal static (object Code, string Text) LegacyFault(ServiceException fault) => fault.FaultCode switch
    {
        ServiceException.AccessDeniedCode => ("AccessDenied", fault.Message),
        ServiceException.Warning or ServiceException.AccessErrorCode =>
            ("warning -- " + ShortName(fault.PythonName) + "\n\n" + fault.Message, ""),
        _ => (fault.Message, ShortName(fault.PythonName) + ": " + fault.Message),
    };

    private static string ShortName(string pythonName)
    {
        var dot = pythonName.LastIndexOf('.');
        return dot < 0 ? pythonName : pythonName[(dot + 1)..];
    }
}
