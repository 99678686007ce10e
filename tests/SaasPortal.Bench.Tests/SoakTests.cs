using SaasPortal.Bench.Soak;

namespace SaasPortal.Bench.Tests;

/// <summary>
/// The short soak of issue 8, item 6, in the test command: the real server on each backend, 8 clients over 10 tenants
/// for 20 s with suspensions and abandoned changes; fails on any lost or half-applied write, any 5xx, any unexpected
/// error and any error in the server's log. The five-minute run is
/// `dotnet run -c Release --project bench/SaasPortal.Bench -- soak` (docs/security.md).
/// </summary>
public sealed class SoakTests
{
    private const string Configuration =
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    [Fact]
    public Task Short_soak_on_SQLite_loses_no_acknowledged_write_and_answers_no_5xx() => SoakAsync("sqlite");

    [Fact]
    public Task Short_soak_on_PostgreSQL_loses_no_acknowledged_write_and_answers_no_5xx() => SoakAsync("postgres");

    private static async Task SoakAsync(string backend)
    {
        var output = Directory.CreateTempSubdirectory("saasportal-soak-test");
        try
        {
            var options = SoakOptions.Parse(
                ["--backend", backend, "--clients", "8", "--tenants", "10", "--duration", "20", "--suspend-permille", "40", "--abandon-permille", "100",
                    "--sample-every", "2",
                    "--configuration", Configuration, "--out", output.FullName], output.FullName);

            var report = await SoakCommand.ExecuteAsync(options, TestContext.Current.SendDiagnosticMessage, TestContext.Current.CancellationToken);
            var (_, markdown) = await SoakCommand.WriteAsync(report, output.FullName, TestContext.Current.CancellationToken);

            var outcome = report.Outcome;
            var why = await File.ReadAllTextAsync(markdown, TestContext.Current.CancellationToken);
            Assert.True(outcome.Verified, why);
            Assert.Equal(0, outcome.ClientSeen5xx);
            // The run must have exercised what it verifies: every kind of change, suspensions and the refusals they cause.
            var byKind = outcome.Operations.ToDictionary(f => f.Operation);
            foreach (var kind in new[] { OperationKind.Create, OperationKind.Write, OperationKind.Unlink, OperationKind.SearchRead, OperationKind.Suspend })
            {
                Assert.True(byKind[kind.ToString()].Acknowledged > 0, $"no {kind} was answered\n{why}");
            }

            Assert.True(outcome.Operations.Sum(f => f.RefusedSuspended) > 0, "no call met a suspended tenant\n" + why);
            Assert.True(outcome.Operations.Sum(f => f.Abandoned) > 0, "no change was abandoned, so all-or-nothing went unchecked\n" + why);
            Assert.True(outcome.Verification.Sum(v => v.Present) > 0, why);
            Assert.True(outcome.ReadChecks > 0, why);
            Assert.NotEmpty(outcome.Memory);
            Assert.All(outcome.Memory, s => Assert.NotNull(s.GcHeapBytes));
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }
}
