using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MimeKit;

namespace SaasPortal.Mail.Tests;

/// <summary>A message as the listener received it: the envelope and the parsed MIME message.</summary>
public sealed record ReceivedMail(string EnvelopeFrom, IReadOnlyList<string> Recipients, MimeMessage Message)
{
    /// <summary>The subject.</summary>
    public string Subject => Message.Subject ?? "";

    /// <summary>The plain-text part (the sender always adds one).</summary>
    public string Text => Message.TextBody ?? "";

    /// <summary>The HTML part.</summary>
    public string Html => Message.HtmlBody ?? "";
}

/// <summary>
/// A small real SMTP server on 127.0.0.1 (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT — what MailKit needs for
/// unauthenticated delivery). It can be stopped and started again on the same port, to play a server that is down.
/// </summary>
public sealed class SmtpListener : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedMail> _received = new();
    private readonly ConcurrentDictionary<Task, byte> _sessions = new();
    private TcpListener? _listener;
    private CancellationTokenSource? _stop;
    private Task? _accepting;

    /// <summary>Listens on a free port.</summary>
    public SmtpListener()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Start();
    }

    /// <summary>The port, the same across restarts.</summary>
    public int Port { get; }

    /// <summary>Every message accepted so far, in order.</summary>
    public IReadOnlyList<ReceivedMail> Received => [.. _received];

    /// <summary>Starts accepting connections.</summary>
    public void Start()
    {
        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _listener = listener;
        _stop = new CancellationTokenSource();
        _accepting = AcceptAsync(listener, _stop.Token);
    }

    /// <summary>Stops listening and drops open sessions: connections are refused until <see cref="Start"/>.</summary>
    public async Task StopAsync()
    {
        if (_listener is null)
        {
            return;
        }

        await _stop!.CancelAsync();
        _listener.Stop();
        _listener = null;
        try
        {
            await _accepting!;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        await Task.WhenAll(_sessions.Keys);
        _stop.Dispose();
    }

    /// <summary>Waits until a message to <paramref name="recipient"/> matching <paramref name="match"/> arrived.</summary>
    public async Task<ReceivedMail> WaitForAsync(string recipient, Func<ReceivedMail, bool>? match = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var found = For(recipient).FirstOrDefault(m => match?.Invoke(m) ?? true);
            if (found is not null)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No mail to {recipient} arrived; received: {string.Join(", ", Received.Select(r => $"{string.Join('/', r.Recipients)}: {r.Subject}"))}");
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Messages received for <paramref name="recipient"/>.</summary>
    public IReadOnlyList<ReceivedMail> For(string recipient) =>
        [.. Received.Where(m => m.Recipients.Contains(recipient, StringComparer.OrdinalIgnoreCase))];

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task AcceptAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(cancellationToken);
            var session = ServeAsync(client, cancellationToken);
            _sessions[session] = 0;
            _ = session.ContinueWith(t => _sessions.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using var connection = client;
        try
        {
            var stream = connection.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 localhost test SMTP");
            string? from = null;
            var recipients = new List<string>();
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteLineAsync("250-localhost");
                        await writer.WriteLineAsync("250 SIZE 10485760");
                        break;
                    case "HELO":
                        await writer.WriteLineAsync("250 localhost");
                        break;
                    case "MAIL":
                        from = Address(line);
                        recipients.Clear();
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "RCPT":
                        recipients.Add(Address(line));
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync(cancellationToken) is { } dataLine && dataLine != ".")
                        {
                            data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                        }

                        using (var raw = new MemoryStream(Encoding.UTF8.GetBytes(data.ToString())))
                        {
                            var message = await MimeMessage.LoadAsync(raw, cancellationToken);
                            _received.Enqueue(new ReceivedMail(from ?? "", [.. recipients], message));
                        }

                        await writer.WriteLineAsync("250 OK queued");
                        break;
                    case "RSET":
                        from = null;
                        recipients.Clear();
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "NOOP":
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 Bye");
                        return;
                    default:
                        await writer.WriteLineAsync("502 Command not implemented");
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away, or the listener was stopped under it: a server that died mid-session.
        }
    }

    private static string Address(string line)
    {
        var start = line.IndexOf('<', StringComparison.Ordinal);
        var end = line.IndexOf('>', StringComparison.Ordinal);
        return start >= 0 && end > start ? line[(start + 1)..end] : "";
    }
}
