using SaasPortal.Orm.Registry;

namespace SaasPortal.Orm.Service;

/// <summary>
/// Gives the registry of a database: the module system implements it (it knows which modules each database has
/// installed) and shares one registry between databases with the same installed modules.
/// </summary>
public interface IRegistryProvider
{
    /// <summary>The registry of <paramref name="database"/>'s installed modules.</summary>
    ValueTask<ModelRegistry> GetRegistryAsync(string database, CancellationToken cancellationToken);
}

/// <summary>One registry for every database: for tests and single-purpose tools.</summary>
public sealed class FixedRegistryProvider(ModelRegistry registry) : IRegistryProvider
{
    /// <inheritdoc />
    public ValueTask<ModelRegistry> GetRegistryAsync(string database, CancellationToken cancellationToken) => ValueTask.FromResult(registry);
}
