using SaasPortal.Testing;

namespace SaasPortal.EndToEnd.Tests.Specification;

/// <summary>
/// shared/seed/api_integration.rst, every snippet in order, through Python's xmlrpc.client against the real server,
/// with each outcome checked inside the tenant (see api_integration.py beside this file).
/// </summary>
public abstract class SpecificationTests(ServerFixture fixture)
{
    [Fact]
    public async Task Every_snippet_of_the_specification_does_what_its_text_says()
    {
        var ct = TestContext.Current.CancellationToken;
        var script = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Specification", "api_integration.py"), ct);
        var clientDb = fixture.NewDatabaseName("client.odoo.local");

        var result = await PythonScript.RunAsync(script, [fixture.Url, fixture.PortalDatabase, clientDb], ct);

        Assert.True(result.ExitCode == 0, result + "\n--- server\n" + fixture.Server.Output);
        Assert.Contains("every snippet did what the text says", result.Output, StringComparison.Ordinal);
    }
}

[Collection(SqliteServerCollection.Name)]
public sealed class SqliteSpecificationTests(SqliteServerFixture fixture) : SpecificationTests(fixture);

[Collection(PostgresServerCollection.Name)]
public sealed class PostgresSpecificationTests(PostgresServerFixture fixture) : SpecificationTests(fixture);
