using System.Diagnostics;
using System.Globalization;

namespace SaasPortal.Server.Commands;

/// <summary>
/// Progress of a long command (backup, restore, duplicate) on standard error. People at a terminal see one line
/// redrawn in place; scripts see nothing: progress is off when standard error is redirected and always with
/// <c>--json</c>, so standard output and standard error stay exactly what they were. <c>SAASPORTAL_PROGRESS</c>
/// overrides the terminal check: <c>always</c> (or <c>1</c>) writes one plain line per update even when redirected,
/// <c>never</c> (or <c>0</c>) turns progress off.
/// </summary>
internal sealed class CommandProgress
{
    /// <summary>The environment variable that forces progress on or off.</summary>
    public const string EnvironmentVariable = "SAASPORTAL_PROGRESS";

    private readonly TextWriter? _writer;
    private readonly bool _redraw;
    private readonly TimeProvider _time;

    private CommandProgress(TextWriter? writer, bool redraw, TimeProvider time)
    {
        _writer = writer;
        _redraw = redraw;
        _time = time;
    }

    /// <summary>Whether anything is written.</summary>
    public bool Enabled => _writer is not null;

    /// <summary>Progress for this process: <paramref name="json"/> output, the environment and standard error decide.</summary>
    public static CommandProgress ForConsole(bool json) =>
        Create(json, Environment.GetEnvironmentVariable(EnvironmentVariable), Console.IsErrorRedirected, Console.Error, TimeProvider.System);

    /// <summary>The rules of <see cref="ForConsole"/> over explicit inputs.</summary>
    public static CommandProgress Create(bool json, string? setting, bool errorRedirected, TextWriter error, TimeProvider time)
    {
        if (json)
        {
            return new CommandProgress(null, redraw: false, time);
        }

        return setting?.Trim().ToLowerInvariant() switch
        {
            "always" or "1" or "true" => new CommandProgress(error, redraw: !errorRedirected, time),
            "never" or "0" or "false" => new CommandProgress(null, redraw: false, time),
            _ => new CommandProgress(errorRedirected ? null : error, redraw: true, time),
        };
    }

    /// <summary>Starts a task named <paramref name="label"/> measured in bytes, out of <paramref name="totalBytes"/> when known.</summary>
    public ProgressTask Start(string label, long? totalBytes = null) => new(this, label, totalBytes, ProgressUnit.Bytes);

    /// <summary>Starts a task of <paramref name="total"/> items (databases, clients): "3 of 12".</summary>
    public ProgressTask StartItems(string label, int total) => new(this, label, total, ProgressUnit.Items);

    /// <summary>Starts a task that cannot be measured: only its elapsed time is shown.</summary>
    public ProgressTask StartTimed(string label) => new(this, label, total: null, ProgressUnit.None);

    /// <summary>What a task counts.</summary>
    internal enum ProgressUnit
    {
        None,
        Bytes,
        Items,
    }

    /// <summary>One piece of work being shown; dispose it (or call <see cref="Complete"/>) when the work is done.</summary>
    internal sealed class ProgressTask : IDisposable
    {
        // A terminal is redrawn at most ten times a second; forced plain lines are rarer, so a log stays readable.
        private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(100);
        private static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(1);

        private readonly CommandProgress _owner;
        private readonly string _label;
        private readonly long? _total;
        private readonly ProgressUnit _unit;
        private readonly long _started;
        private readonly Lock _gate = new();
        private readonly ITimer? _clock;
        private long _lastDrawn;
        private long _done;
        private int _lastWidth;
        private bool _finished;

        public ProgressTask(CommandProgress owner, string label, long? total, ProgressUnit unit)
        {
            _owner = owner;
            _label = label;
            _total = total is > 0 ? total : null;
            _unit = unit;
            _started = owner._time.GetTimestamp();
            _lastDrawn = _started;
            if (owner.Enabled)
            {
                Draw(0, final: false);
                // Work that stops reporting (a restore installing modules after reading its archive, a duplicate) still
                // shows its clock moving, so the operator can tell slow from stuck.
                var tick = owner._redraw ? TimeSpan.FromMilliseconds(500) : LineInterval * 5;
                _clock = owner._time.CreateTimer(_ => Report(Volatile.Read(ref _done), force: true), null, tick, tick);
            }
        }

        /// <summary>How many bytes are done so far; drawn when the last drawing is old enough.</summary>
        public void Report(long done) => Report(done, force: false);

        private void Report(long done, bool force)
        {
            if (!_owner.Enabled)
            {
                return;
            }

            Volatile.Write(ref _done, done);
            lock (_gate)
            {
                var now = _owner._time.GetTimestamp();
                if (_finished || (!force && _owner._time.GetElapsedTime(_lastDrawn, now) < (_owner._redraw ? RedrawInterval : LineInterval)))
                {
                    return;
                }

                _lastDrawn = now;
                Draw(done, final: false);
            }
        }

        /// <summary>Draws the final state (<paramref name="done"/> bytes) and ends the line.</summary>
        public void Complete(long? done = null)
        {
            _clock?.Dispose();
            lock (_gate)
            {
                if (_finished)
                {
                    return;
                }

                _finished = true;
                Draw(done ?? _total ?? Volatile.Read(ref _done), final: true);
            }
        }

        /// <summary>Ends the line if the work stopped without <see cref="Complete"/> (a failure prints its own line next).</summary>
        public void Dispose()
        {
            _clock?.Dispose();
            lock (_gate)
            {
                if (_finished)
                {
                    return;
                }

                _finished = true;
                if (_owner._redraw && _owner._writer is { } writer)
                {
                    writer.WriteLine();
                    writer.Flush();
                }
            }
        }

        private void Draw(long done, bool final)
        {
            if (_owner._writer is not { } writer)
            {
                return;
            }

            var elapsed = _owner._time.GetElapsedTime(_started);
            var line = Format(_label, _unit == ProgressUnit.None ? null : done, _total, elapsed, final, _unit == ProgressUnit.Items);
            if (_owner._redraw)
            {
                // Pad over what the previous, longer drawing left on the line.
                writer.Write("\r" + line.PadRight(_lastWidth));
                _lastWidth = line.Length;
                if (final)
                {
                    writer.WriteLine();
                }
            }
            else
            {
                writer.WriteLine(line);
            }

            writer.Flush();
        }
    }

    /// <summary>
    /// "restore shop: [#####---------------]  25%  1.2 MB of 4.8 MB  3.1 s"; without a total "backup shop: 1.2 MB  3.1 s";
    /// without a measure (<paramref name="done"/> null) "duplicate a to b: 3.1 s"; counting <paramref name="items"/>
    /// "upgrade: [##########----------]  50%  3 of 6  3.1 s". The final drawing ends in "done".
    /// </summary>
    internal static string Format(string label, long? done, long? total, TimeSpan elapsed, bool final, bool items = false)
    {
        var seconds = elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
        var end = final ? "  done" : "";
        if (done is not { } bytes)
        {
            return $"{label}: {seconds}{end}";
        }

        if (total is { } all)
        {
            var fraction = Math.Clamp((double)bytes / all, 0, 1);
            var filled = (int)Math.Round(fraction * 20);
            var bar = "[" + new string('#', filled) + new string('-', 20 - filled) + "]";
            var percent = ((int)Math.Floor(fraction * 100)).ToString(CultureInfo.InvariantCulture).PadLeft(3) + "%";
            var amount = items
                ? $"{bytes.ToString(CultureInfo.InvariantCulture)} of {all.ToString(CultureInfo.InvariantCulture)}"
                : $"{Size(bytes)} of {Size(all)}";
            return $"{label}: {bar} {percent}  {amount}  {seconds}{end}";
        }

        return $"{label}: {(items ? bytes.ToString(CultureInfo.InvariantCulture) : Size(bytes))}  {seconds}{end}";
    }

    internal static string Size(long bytes) => bytes switch
    {
        < 1024 => bytes.ToString(CultureInfo.InvariantCulture) + " B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " kB",
        < 1024L * 1024 * 1024 => (bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + " MB",
        _ => (bytes / (1024.0 * 1024 * 1024)).ToString("0.00", CultureInfo.InvariantCulture) + " GB",
    };
}

/// <summary>A stream that reports how far reading or writing has got (the furthest position) to a progress task.</summary>
internal sealed class ProgressStream(Stream inner, CommandProgress.ProgressTask progress) : Stream
{
    private long _furthest;

    /// <summary>The furthest position read or written.</summary>
    public long Furthest => _furthest;

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => inner.Position = value;
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => Advanced(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Advanced(inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Advanced(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
    {
        inner.Write(buffer, offset, count);
        Advanced(count);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        Advanced(buffer.Length);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        Advanced(buffer.Length);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    public override void SetLength(long value) => inner.SetLength(value);

    private int Advanced(int count)
    {
        // Zip readers seek about (central directory first), so the furthest position is the honest measure.
        var position = inner.CanSeek ? inner.Position : _furthest + count;
        if (position > _furthest)
        {
            _furthest = position;
            progress.Report(position);
        }

        return count;
    }
}
