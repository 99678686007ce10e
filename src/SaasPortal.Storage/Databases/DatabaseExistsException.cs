namespace SaasPortal.Storage.Databases;

/// <summary>Thrown when a database is created, copied or renamed onto a name that is taken.</summary>
public sealed class DatabaseExistsException(string name)
    : InvalidOperationException($"database '{name}' already exists!")
{
    /// <summary>The name that was taken.</summary>
    public string Name { get; } = name;
}
