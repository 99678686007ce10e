using System.Diagnostics;

namespace SaasPortal.Bench.Suite;

/// <summary>
/// Runs the named steps of one <c>all</c> run, logging each with its duration. A step that throws is recorded as a
/// failure (the run is then not a result) and gives null, so the other workloads still run and the report is written.
/// </summary>
internal sealed class StepRunner(Action<string> log, CancellationToken cancellationToken)
{
    private readonly List<string> _failures = [];

    public IReadOnlyList<string> Failures => _failures;

    public void Fail(string failure) => _failures.Add(failure);

    public async Task<T?> RunAsync<T>(string name, Func<Task<T>> step) where T : class
    {
        log(name);
        var watch = Stopwatch.StartNew();
        try
        {
            var result = await step();
            log($"{name}: done in {watch.Elapsed.TotalSeconds:F0} s");
            return result;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _failures.Add($"{name}: {e.GetType().Name}: {e.Message}");
            log($"{name}: FAILED: {e.Message}");
            return null;
        }
    }
}
