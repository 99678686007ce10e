using System.Security;
using System.Text;
using System.Text.RegularExpressions;
using SaasPortal.Testing;

namespace SaasPortal.Cli.Tests;

/// <summary>One fresh server shared by the API reference's checks (they only add databases of their own names).</summary>
public sealed class ApiReferenceServerFixture : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "saasportal-api-md-" + Guid.NewGuid().ToString("N")[..8]);

    public ServerProcess Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await ServerProcess.StartAsync(_data, [], TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }
}

/// <summary>
/// docs/api.md against the code: every method the services accept and every route is named there, each one really is
/// accepted by the server, and the page's Python examples parse and run, in order, against a fresh server.
/// </summary>
public sealed partial class ApiReferenceTests(ApiReferenceServerFixture fixture) : IClassFixture<ApiReferenceServerFixture>
{
    private static readonly string ApiPath = Path.Combine(RepositoryPaths.Root, "docs", "api.md");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_service_method_route_and_builtin_model_method_in_the_code_is_named_in_api_md()
    {
        var api = await File.ReadAllTextAsync(ApiPath, Ct);
        var methods = await ServiceMethodsAsync();
        var routes = Routes().Matches(await SourceAsync("src/SaasPortal.Api/Hosting/EdgeRegistration.cs")).Select(m => m.Groups["route"].Value).ToList();
        var table = MethodTable().Match(await SourceAsync("src/SaasPortal.Orm/Methods/BuiltinMethods.cs")).Value;
        var builtins = Builtins().Matches(table).Select(m => m.Groups["name"].Value).ToList();

        // Guards against a pattern that silently stopped matching the code.
        Assert.True(methods["common"].Count >= 4 && methods["db"].Count >= 12 && methods["object"].Count == 2, string.Join("; ", methods.Select(m => m.Key + ": " + string.Join(",", m.Value))));
        Assert.True(routes.Count >= 5, string.Join(", ", routes));
        Assert.True(builtins.Count >= 15, string.Join(", ", builtins));
        var missing = methods.SelectMany(s => s.Value.Select(m => $"{s.Key}.{m}")).Where(m => !Names(api, m[(m.IndexOf('.', StringComparison.Ordinal) + 1)..]))
            .Concat(routes.Where(r => !api.Contains("`" + r.TrimEnd('/'), StringComparison.Ordinal)))
            .Concat(builtins.Where(b => !Names(api, b)).Select(b => "ORM " + b))
            .ToList();
        Assert.True(missing.Count == 0, "not in docs/api.md: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task Every_service_method_found_in_the_code_is_accepted_by_the_server_and_an_unknown_one_is_not()
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.Server.Url) };

        // The right master password and nothing else: manager methods then fail on their missing arguments, and no
        // wrong password reaches the failed-login limiter, which the examples' calls would otherwise wait for.
        var master = $"<param><value><string>{SecurityElement.Escape(fixture.Server.ReadMasterPassword())}</string></value></param>";
        var unknown = await CallAsync(http, "common", "no_such_method", "");
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (service, names) in await ServiceMethodsAsync())
        {
            foreach (var method in names)
            {
                answers[$"{service}.{method}"] = await CallAsync(http, service, method, service == "db" ? master : "");
            }
        }

        Assert.Contains("does not exist on the service", unknown, StringComparison.Ordinal);
        Assert.All(answers, a => Assert.DoesNotContain("does not exist on the service", a.Value, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Python_examples_in_api_md_parse_one_by_one()
    {
        var blocks = PythonBlocks(await File.ReadAllTextAsync(ApiPath, Ct));
        const string parse = "import ast, sys\nfor path in sys.argv[1:]:\n    ast.parse(open(path).read(), path)\nprint(len(sys.argv) - 1)";
        var files = new List<string>();
        try
        {
            foreach (var block in blocks)
            {
                var file = Path.Combine(Path.GetTempPath(), $"api-md-{Guid.NewGuid():N}.py");
                await File.WriteAllTextAsync(file, block, Ct);
                files.Add(file);
            }

            var result = await PythonScript.RunAsync(parse, files, Ct);

            Assert.True(blocks.Count >= 8, $"only {blocks.Count} python blocks in docs/api.md");
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal(blocks.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Output.Trim());
        }
        finally
        {
            files.ForEach(File.Delete);
        }
    }

    [Fact]
    public async Task Python_examples_in_api_md_run_in_order_against_a_fresh_server()
    {
        var blocks = PythonBlocks(await File.ReadAllTextAsync(ApiPath, Ct));
        // The page talks to the default address and reads the master password relative to the server's folder.
        var script = string.Join("\n", blocks)
            .Replace("http://localhost:8069", fixture.Server.Url, StringComparison.Ordinal)
            .Replace("'data/master-password'", $"'{Path.Combine(fixture.Server.DataDirectory, "master-password")}'", StringComparison.Ordinal)
            + "\nprint('api.md: every example ran')\n";

        var result = await PythonScript.RunAsync(script, [], Ct, TimeSpan.FromMinutes(5));

        Assert.True(result.ExitCode == 0, result + "\n--- server\n" + fixture.Server.Output);
        Assert.Equal("api.md: every example ran", result.Output.Trim().Split('\n')[^1].Trim());
    }

    /// <summary>The methods each service's dispatch accepts, read from its source.</summary>
    private static async Task<Dictionary<string, List<string>>> ServiceMethodsAsync()
    {
        var common = Cases().Matches(await SourceAsync("src/SaasPortal.Api/Services/CommonService.cs")).Select(m => m.Groups["name"].Value);
        var dbSource = await SourceAsync("src/SaasPortal.Api/Services/DbService.cs");
        var manager = ManagerMethods().Match(dbSource).Groups["list"].Value;
        var db = Cases().Matches(dbSource).Select(m => m.Groups["name"].Value)
            .Concat(Quoted().Matches(manager).Select(m => m.Groups["name"].Value));
        var objects = Arms().Matches(await SourceAsync("src/SaasPortal.Api/Services/ObjectService.cs")).Select(m => m.Groups["name"].Value);
        return new Dictionary<string, List<string>>(StringComparer.Ordinal)
        {
            ["common"] = [.. common.Distinct()],
            ["db"] = [.. db.Distinct()],
            ["object"] = [.. objects.Distinct()],
        };
    }

    private static Task<string> SourceAsync(string path) => File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, path), Ct);

    /// <summary>Named as code: `name` or `name(`.</summary>
    private static bool Names(string api, string name) =>
        api.Contains("`" + name + "`", StringComparison.Ordinal) || api.Contains("`" + name + "(", StringComparison.Ordinal)
        || api.Contains("### " + name + "(", StringComparison.Ordinal);

    private static List<string> PythonBlocks(string markdown) => [.. PythonBlock().Matches(markdown).Select(m => m.Groups["code"].Value)];

    /// <summary>Calls over XML-RPC with <paramref name="parameters"/>; the answer, fault or result.</summary>
    private static async Task<string> CallAsync(HttpClient http, string service, string method, string parameters)
    {
        using var content = new StringContent($"<?xml version='1.0'?><methodCall><methodName>{method}</methodName><params>{parameters}</params></methodCall>",
            Encoding.UTF8, "text/xml");
        using var response = await http.PostAsync(new Uri("/xmlrpc/2/" + service, UriKind.Relative), content, Ct);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    [GeneratedRegex(@"case ""(?<name>[a-z_]+)"":")]
    private static partial Regex Cases();

    [GeneratedRegex(@"IsManagerMethod\(string method\) => (?<list>[^;]+);")]
    private static partial Regex ManagerMethods();

    [GeneratedRegex(@"""(?<name>[a-z_]+)""")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"""(?<name>[a-z_]+)"" =>")]
    private static partial Regex Arms();

    [GeneratedRegex(@"Methods = new Dictionary<string, ModelMethod>.*?ToFrozenDictionary", RegexOptions.Singleline)]
    private static partial Regex MethodTable();

    [GeneratedRegex(@"\[""(?<name>[a-z_]+)""\] = ")]
    private static partial Regex Builtins();

    [GeneratedRegex(@"MapPost\(""(?<route>/(?:web|jsonrpc)[^""{]*)")]
    private static partial Regex Routes();

    [GeneratedRegex(@"```python\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex PythonBlock();
}
