using SaasPortal.Storage;
using SaasPortal.Testing;

namespace SaasPortal.Web.Tests;

/// <summary>One real <c>serve</c> process (SQLite) for the web tests; tenants are reached as <c>&lt;db&gt;.localhost</c> on its port.</summary>
public sealed class WebServerFixture() : ServerFixture(DatabaseBackend.Sqlite)
{
    /// <summary>The portal administrator's login and password (the server's defaults on localhost).</summary>
    public const string AdminLogin = "admin";

    /// <summary>See <see cref="AdminLogin"/>.</summary>
    public const string AdminPassword = "admin";

    /// <summary>The server's port.</summary>
    public int Port => new Uri(Url).Port;

    /// <summary>A fresh tenant database name that browsers resolve to this machine.</summary>
    public string NewTenantName(string hint) => NewDatabaseName(hint) + ".localhost";

    /// <summary>The base URL of a tenant on its own host.</summary>
    public string TenantUrl(string database) => $"http://{database}:{Port}";

    /// <summary>The SQLite file of a database.</summary>
    public string DatabaseFile(string database) => Path.Combine(Server.DataDirectory, "db", database + ".sqlite");
}

[CollectionDefinition(Name)]
public sealed class WebCollection : ICollectionFixture<WebServerFixture>
{
    public const string Name = "web";
}
