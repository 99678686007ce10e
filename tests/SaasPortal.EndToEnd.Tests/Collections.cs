using SaasPortal.Testing;

// The suite runs the server on Linux (file modes, PostgreSQL tools), as CI does.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace SaasPortal.EndToEnd.Tests;

/// <summary>Tests that create databases on one shared SQLite-backed server, one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SqliteServerCollection : ICollectionFixture<SqliteServerFixture>
{
    public const string Name = "sqlite server";
}

/// <summary>Tests that create databases on one shared PostgreSQL-backed server, one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PostgresServerCollection : ICollectionFixture<PostgresServerFixture>
{
    public const string Name = "postgres server";
}
