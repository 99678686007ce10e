using System.Buffers;

namespace SaasPortal.Rpc.JsonRpc;

/// <summary>
/// A request body read whole into a pooled buffer, refused once it passes a byte limit. Utf8JsonReader wants the
/// whole document in one span; the limit keeps that buffer bounded whatever the stream delivers.
/// </summary>
internal sealed class BoundedBody : IDisposable
{
    private const int InitialSize = 16 * 1024;

    private byte[] _buffer;
    private int _length;

    private BoundedBody(byte[] buffer) => _buffer = buffer;

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, _length);

    public static async Task<BoundedBody> ReadAsync(Stream input, long maxBytes, CancellationToken cancellationToken)
    {
        var body = new BoundedBody(ArrayPool<byte>.Shared.Rent(InitialSize));
        try
        {
            while (true)
            {
                if (body._length == body._buffer.Length)
                {
                    body.Grow(maxBytes);
                }

                var read = await input.ReadAsync(body._buffer.AsMemory(body._length), cancellationToken);
                if (read == 0)
                {
                    return body;
                }

                body._length += read;
                if (body._length > maxBytes)
                {
                    throw new JsonRpcFormatException($"the body is larger than {maxBytes} bytes");
                }
            }
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Grow(long maxBytes)
    {
        // One byte past the limit is enough to tell that the body is too large.
        var size = (int)Math.Min(Math.Max((long)_buffer.Length * 2, InitialSize), Math.Min(maxBytes + 1, Array.MaxLength));
        if (size <= _buffer.Length)
        {
            throw new JsonRpcFormatException($"the body is larger than {maxBytes} bytes");
        }

        var larger = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
