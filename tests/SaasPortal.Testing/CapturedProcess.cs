using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SaasPortal.Testing;

/// <summary>
/// A child process the tests own: its standard output and error are collected for failure messages, and it is killed
/// with its process tree on dispose.
/// </summary>
public sealed class CapturedProcess : IAsyncDisposable
{
    /// <summary>Enough for a failure message; a chatty process must not grow the test's memory without bound.</summary>
    private const int MaxOutput = 1_000_000;

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private CapturedProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Starts <paramref name="start"/> with both output streams redirected.</summary>
    public static CapturedProcess Start(ProcessStartInfo start)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        return new CapturedProcess(Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start"));
    }

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Its exit code, once it has ended.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Everything it printed so far, standard output and error interleaved.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Waits for the process to end (and for its output to be read).</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>Kills the process tree and waits for it to go.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < MaxOutput)
            {
                _output.AppendLine(line);
            }
        }
    }
}

/// <summary>Loopback ports for the processes tests start.</summary>
public static class LoopbackPort
{
    /// <summary>A port nothing listens on now (the system's choice; another process could take it before it is used).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
