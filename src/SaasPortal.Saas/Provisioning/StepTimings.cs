using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SaasPortal.Saas.Provisioning;

/// <summary>
/// Wall-clock spans of one provisioning call, one per step, so the Debug log (and the provisioning benchmark, which
/// reads it) shows where the time goes. Formatting happens only when the line is actually logged.
/// </summary>
internal sealed class StepTimings
{
    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly List<(string Step, TimeSpan Elapsed)> _steps = new(12);
    private long _last;

    public StepTimings() => _last = _start;

    /// <summary>Closes the span that began at the previous mark (or at creation) under the name <paramref name="step"/>.</summary>
    public void Mark(string step)
    {
        var now = Stopwatch.GetTimestamp();
        _steps.Add((step, Stopwatch.GetElapsedTime(_last, now)));
        _last = now;
    }

    /// <summary><c>step=ms step=ms … total=ms</c>, the shape the benchmark parses.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (step, elapsed) in _steps)
        {
            text.Append(CultureInfo.InvariantCulture, $"{step}={elapsed.TotalMilliseconds:F2} ");
        }

        return text.Append(CultureInfo.InvariantCulture, $"total={Stopwatch.GetElapsedTime(_start).TotalMilliseconds:F2}").ToString();
    }
}
