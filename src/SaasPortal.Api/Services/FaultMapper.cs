using Microsoft.Extensions.Logging;
using SaasPortal.Storage.Databases;

namespace SaasPortal.Api.Services;

/// <summary>
/// Turns any exception from a service into the fault the client sees. Known errors keep their kind and message;
/// anything unexpected becomes code 1 with a generic message and a reference, and is logged here with its stack.
/// </summary>
public sealed class FaultMapper(ILogger<FaultMapper> logger)
{
    /// <summary>The client-facing form of <paramref name="exception"/>.</summary>
    public ServiceException Map(Exception exception, string service, string method)
    {
        switch (exception)
        {
            case ServiceException known:
                return known;
            case DatabaseNotFoundException missing:
                return new ServiceException("psycopg2.OperationalError", ServiceException.ApplicationError, missing.Message);
            case DatabaseExistsException taken:
                return ServiceException.Application(taken.Message);
            case Rpc.RpcEncodingException encoding:
                // A result the wire cannot carry (e.g. a control character in a string): say so, it is not a crash.
                return ServiceException.Application("The result cannot be sent over this protocol: " + encoding.Message);
        }

        if (OrmFaults.TryMap(exception) is { } orm)
        {
            return orm;
        }

        var reference = Guid.NewGuid().ToString("N")[..12];
        logger.LogError(exception, "Unexpected error in {Service}.{Method} (reference {Reference})",
            service, ServiceDispatcher.Truncate(method), reference);
        return ServiceException.Application($"Internal server error (reference {reference}); the server log has the details.");
    }
}
