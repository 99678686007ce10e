using SaasPortal.Testing;

// The suite runs the server on Linux (file modes, signals, PostgreSQL tools), as CI does.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace SaasPortal.Security.Tests;

/// <summary>Hostile calls against one shared SQLite-backed server, one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SqliteServerCollection : ICollectionFixture<SqliteServerFixture>
{
    public const string Name = "security sqlite server";
}

/// <summary>Hostile calls against one shared PostgreSQL-backed server, one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PostgresServerCollection : ICollectionFixture<PostgresServerFixture>
{
    public const string Name = "security postgres server";
}
