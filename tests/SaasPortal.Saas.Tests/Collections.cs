using SaasPortal.Testing;

// The suite runs the server on Linux (file modes, PostgreSQL tools), as CI does.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace SaasPortal.Saas.Tests;

/// <summary>SaaS scenarios on one shared SQLite-backed server, one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SqliteSaasCollection : ICollectionFixture<SqliteServerFixture>
{
    public const string Name = "saas sqlite server";
}

/// <summary>SaaS scenarios on one shared PostgreSQL-backed server, one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PostgresSaasCollection : ICollectionFixture<PostgresServerFixture>
{
    public const string Name = "saas postgres server";
}
