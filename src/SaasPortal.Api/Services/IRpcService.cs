namespace SaasPortal.Api.Services;

/// <summary>One of Odoo's RPC services (<c>common</c>, <c>db</c>, <c>object</c>), independent of the wire protocol.</summary>
public interface IRpcService
{
    /// <summary>The service name as it appears in /xmlrpc/2/&lt;name&gt; and JSON-RPC's params.service.</summary>
    string Name { get; }

    /// <summary>
    /// Runs <paramref name="method"/> with positional arguments in the wire value model and returns a wire value.
    /// Errors the caller should see are <see cref="ServiceException"/>s (or exceptions the fault mapper knows).
    /// </summary>
    Task<object?> CallAsync(string method, IReadOnlyList<object?> args, CancellationToken cancellationToken);
}
