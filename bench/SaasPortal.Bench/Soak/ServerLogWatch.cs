namespace SaasPortal.Bench.Soak;

/// <summary>
/// Watches the server's console log (simple formatter: "fail: Category[id]" then the message on the next lines) for
/// entries at Error ("fail") or Critical ("crit"), and keeps the first few with their message.
/// </summary>
internal sealed class ServerLogWatch
{
    private const int Kept = 10;
    private const int LinesPerEntry = 3;

    private readonly Lock _lock = new();
    private readonly List<string> _first = [];
    private int _errors;
    private int _following;

    public int Errors
    {
        get
        {
            lock (_lock)
            {
                return _errors;
            }
        }
    }

    public IReadOnlyList<string> First
    {
        get
        {
            lock (_lock)
            {
                return [.. _first];
            }
        }
    }

    public void Line(string line)
    {
        lock (_lock)
        {
            if (line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal))
            {
                _errors++;
                var kept = _first.Count < Kept;
                if (kept)
                {
                    _first.Add(line.Trim());
                }

                _following = kept ? LinesPerEntry - 1 : 0;

                return;
            }

            if (_following > 0 && _first.Count > 0)
            {
                _following--;
                _first[^1] += " " + line.Trim();
            }
        }
    }
}
