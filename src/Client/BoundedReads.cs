using System.Buffers;

namespace Mcp.Raw.Client;

/// <summary>Reads from a server with a size cap (<see cref="McpClientOptions.MaxMessageBytes"/>): never unbounded memory.</summary>
internal static class BoundedReads
{
    /// <summary>The whole body, refused once it passes <paramref name="max"/> bytes (by Content-Length or while reading).</summary>
    public static async Task<byte[]> ReadBodyAsync(HttpContent content, int max, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is { } length && length > max)
        {
            throw TooLarge(max);
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new Mcp.Raw.Protocol.Buffers.PooledBufferWriter(4096);
            while (true)
            {
                var memory = buffer.GetMemory(4096);
                var read = await stream.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return buffer.WrittenMemory.ToArray();
                }

                buffer.Advance(read);
                if (buffer.WrittenCount > max)
                {
                    throw TooLarge(max);
                }
            }
        }
    }

    /// <summary>An error body for a message: at most 1 KiB of it.</summary>
    public static async Task<string> ReadErrorTextAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[1024];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
            }

            return System.Text.Encoding.UTF8.GetString(buffer, 0, total);
        }
    }

    public static McpClientException TooLarge(int max) =>
        new($"The server sent a message larger than {max} bytes (McpClientOptions.MaxMessageBytes); it was not read.");
}
