using SaasPortal.Testing;

// The server runs on Linux in CI (file modes, PostgreSQL tools).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace SaasPortal.Client.Tests;

/// <summary>One real SQLite-backed server for every client test class (both protocols).</summary>
[CollectionDefinition(Name)]
public sealed class SqliteServerCollection : ICollectionFixture<SqliteServerFixture>
{
    public const string Name = "client: sqlite server";
}

/// <summary>One real PostgreSQL-backed server for every client test class (both protocols).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresServerCollection : ICollectionFixture<PostgresServerFixture>
{
    public const string Name = "client: postgres server";
}
