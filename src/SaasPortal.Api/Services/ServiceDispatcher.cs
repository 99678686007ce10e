namespace SaasPortal.Api.Services;

/// <summary>Finds the service a call names; an unknown service is a fault naming it.</summary>
public sealed class ServiceDispatcher
{
    private readonly Dictionary<string, IRpcService> _services;

    /// <summary>Creates a dispatcher over the registered services.</summary>
    public ServiceDispatcher(IEnumerable<IRpcService> services)
    {
        _services = services.ToDictionary(s => s.Name, StringComparer.Ordinal);
    }

    /// <summary>Calls <paramref name="method"/> on <paramref name="service"/>.</summary>
    public Task<object?> CallAsync(string service, string method, IReadOnlyList<object?> args, CancellationToken cancellationToken) =>
        _services.TryGetValue(service, out var target)
            ? target.CallAsync(method, args, cancellationToken)
            : throw ServiceException.Application($"No such service: {Truncate(service)}");

    /// <summary>Whether a service of that name exists.</summary>
    public bool Has(string service) => _services.ContainsKey(service);

    internal static string Truncate(string text) => text.Length <= 100 ? text : text[..100] + "…";
}
