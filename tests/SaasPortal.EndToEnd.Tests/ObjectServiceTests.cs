using SaasPortal.Testing;

namespace SaasPortal.EndToEnd.Tests;

/// <summary>common.login/authenticate and the object service over HTTP, on databases the db service created.</summary>
public abstract class ObjectServiceTests(ServerFixture fixture)
{
    [Fact]
    public async Task Python_xmlrpc_client_logs_in_and_calls_models_in_the_database_it_names()
    {
        var ct = TestContext.Current.CancellationToken;
        var script = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Scripts", "object_service.py"), ct);

        var result = await PythonScript.RunAsync(script, [fixture.Url, fixture.MasterPassword, fixture.NewDatabaseName("o")], ct);

        Assert.True(result.ExitCode == 0, result + "\n--- server\n" + fixture.Server.Output);
        Assert.Equal("ok", result.Output.Trim());
    }
}

[Collection(SqliteServerCollection.Name)]
public sealed class SqliteObjectServiceTests(SqliteServerFixture fixture) : ObjectServiceTests(fixture);

[Collection(PostgresServerCollection.Name)]
public sealed class PostgresObjectServiceTests(PostgresServerFixture fixture) : ObjectServiceTests(fixture);
