namespace SaasPortal.Storage.Databases;

/// <summary>Thrown when an operation names a database that does not exist.</summary>
public sealed class DatabaseNotFoundException(string name)
    : InvalidOperationException($"database '{name}' does not exist")
{
    /// <summary>The name that was not found.</summary>
    public string Name { get; } = name;
}
