using System.Text.RegularExpressions;
using SaasPortal.Client;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Service;

namespace SaasPortal.Orm.Tests.Infrastructure;

/// <summary>
/// How a conformance test reaches the ORM: the entry points the edge itself calls. The same tests run through
/// <see cref="InProcessCalls"/> (straight into <see cref="OrmService"/>) and <see cref="HttpCalls"/> (our .NET
/// client, XML-RPC over a real HTTP connection, the real edge), so every assertion also checks the wire.
/// </summary>
public interface ICallTransport
{
    /// <summary><c>common.authenticate</c>: the uid, or null for bad credentials.</summary>
    Task<int?> AuthenticateAsync(string database, string login, string password, CancellationToken cancellationToken);

    /// <summary><c>object.execute_kw</c>; an ORM error surfaces as the ORM's own exception type.</summary>
    Task<object?> ExecuteKwAsync(string database, int uid, string password, string model, string method,
        IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs, CancellationToken cancellationToken);
}

/// <summary>Calls the ORM's entry points in-process.</summary>
public sealed class InProcessCalls(OrmService service) : ICallTransport
{
    public Task<int?> AuthenticateAsync(string database, string login, string password, CancellationToken cancellationToken) =>
        service.AuthenticateAsync(database, login, password, cancellationToken);

    public Task<object?> ExecuteKwAsync(string database, int uid, string password, string model, string method,
        IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs, CancellationToken cancellationToken) =>
        service.ExecuteKwAsync(database, uid, password, model, method, args, kwargs, cancellationToken);
}

/// <summary>
/// Calls over HTTP with <see cref="OdooClient"/>. Faults are turned back into the ORM's exception types by the
/// Python class name the fault carries, and the fault code must be the one that type declares: a fault that
/// arrives with the wrong code or an unknown class fails the test instead of passing as "some error".
/// </summary>
public sealed partial class HttpCalls(OdooClient client, IAsyncDisposable? route = null) : ICallTransport, IAsyncDisposable
{
    public OdooClient Client { get; } = client;

    public Task<int?> AuthenticateAsync(string database, string login, string password, CancellationToken cancellationToken) =>
        Client.Common.AuthenticateAsync(database, login, password, cancellationToken);

    public async Task<object?> ExecuteKwAsync(string database, int uid, string password, string model, string method,
        IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs, CancellationToken cancellationToken)
    {
        try
        {
            return await Client.Object.ExecuteKwAsync(database, uid, password, model, method, args, kwargs, cancellationToken);
        }
        catch (OdooFaultException fault)
        {
            throw ToOrmException(fault);
        }
    }

    public ValueTask DisposeAsync() => route?.DisposeAsync() ?? ValueTask.CompletedTask;

    /// <summary>The ORM exception a fault stands for; checks the code the wire sent against the one the type declares.</summary>
    public static OdooException ToOrmException(OdooFaultException fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        OdooException mapped = fault.ExceptionName switch
        {
            "AccessDenied" => new AccessDeniedException(),
            "AccessError" => new AccessErrorException(fault.Message),
            "UserError" when UnknownModel().Match(fault.Message) is { Success: true } match => new UnknownModelException(match.Groups[1].Value),
            "UserError" => new UserErrorException(fault.Message),
            "ValidationError" => new ValidationErrorException(fault.Message),
            "MissingError" => new MissingErrorException(fault.Message),
            "ValueError" => new ValueErrorException(fault.Message),
            "TypeError" => new TypeErrorException(fault.Message),
            "AttributeError" when UnknownMethod().Match(fault.Message) is { Success: true } match =>
                new UnknownMethodException(match.Groups[2].Value, match.Groups[1].Value),
            "SerializationFailure" => new ConcurrentUpdateException(fault),
            _ => throw new WireMappingException($"A fault the ORM does not raise came over the wire: {fault.FaultCode} {fault.FaultString}", fault),
        };
        if (mapped.FaultCode != fault.FaultCode || mapped.Message != fault.Message)
        {
            throw new WireMappingException(
                $"{fault.ExceptionName} came with fault code {fault.FaultCode} and message '{fault.Message}'; the ORM raises it with {mapped.FaultCode} and '{mapped.Message}'", fault);
        }

        return mapped;
    }

    [GeneratedRegex(@"^Object (\S+) doesn't exist$")]
    private static partial Regex UnknownModel();

    [GeneratedRegex(@"^The method '(.+)' does not exist on the model '(\S+)'$")]
    private static partial Regex UnknownMethod();
}

/// <summary>The edge sent a fault that does not match what the ORM raised: a bug in the wire mapping, never an expected error.</summary>
public sealed class WireMappingException(string message, Exception innerException) : Exception(message, innerException);
