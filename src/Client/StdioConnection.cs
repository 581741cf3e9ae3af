using System.Buffers;
using System.Diagnostics;
using Mcp.Raw.Protocol.JsonRpc;

namespace Mcp.Raw.Client;

/// <summary>stdio: starts the server command, newline-delimited JSON-RPC on its stdin/stdout; its stderr goes to ours.</summary>
internal sealed class StdioConnection : ClientConnection
{
    private readonly Process _process;
    private readonly PendingRequests _pending = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Task _reader;
    private readonly Task _stderr;

    private readonly int _maxLineBytes;

    private StdioConnection(Process process, int maxLineBytes, Func<JsonRpcMessage, ValueTask> onIncoming)
        : base(onIncoming)
    {
        _process = process;
        _maxLineBytes = maxLineBytes;
        _reader = Task.Run(ReadLoopAsync);
        _stderr = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                await Console.Error.WriteLineAsync(line).ConfigureAwait(false);
            }
        });
    }

    public static StdioConnection Start(string command, IEnumerable<string> arguments, int maxLineBytes, Func<JsonRpcMessage, ValueTask> onIncoming)
    {
        var start = new ProcessStartInfo(command)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new McpClientException($"Could not start '{command}'.");
        return new StdioConnection(process, maxLineBytes, onIncoming);
    }

    public override Task<JsonRpcMessage> SendRequestAsync(RequestId id, ReadOnlyMemory<byte> body, IReadOnlyList<KeyValuePair<string, string>>? headers, CancellationToken cancellationToken) =>
        SendCorrelatedAsync(_pending, id, body, cancellationToken);

    public override async Task SendAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var stdin = _process.StandardInput.BaseStream;
            await stdin.WriteAsync(body, cancellationToken).ConfigureAwait(false);
            stdin.WriteByte((byte)'\n');
            await stdin.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new McpClientException("The server process closed its input.", e);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or IOException)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
        }

        await Task.WhenAny(Task.WhenAll(_reader, _stderr), Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
        _process.Dispose();
        _writeLock.Dispose();
    }

    /// <summary>Reads newline-delimited messages from the server's stdout straight as bytes; a line over the cap ends the connection.</summary>
    private async Task ReadLoopAsync()
    {
        var reader = System.IO.Pipelines.PipeReader.Create(_process.StandardOutput.BaseStream);
        McpClientException? failure = null;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                while (buffer.PositionOf((byte)'\n') is { } end)
                {
                    var line = buffer.Slice(0, end);
                    buffer = buffer.Slice(buffer.GetPosition(1, end));
                    await HandleLineAsync(line).ConfigureAwait(false);
                }

                if (buffer.Length > _maxLineBytes)
                {
                    failure = new McpClientException($"The server wrote a line longer than {_maxLineBytes} bytes (McpClientOptions.MaxMessageBytes); the connection was closed.");
                    break;
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (IOException)
        {
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            _pending.FailAll(failure ?? new McpClientException("The server process ended."));
        }
    }

    private async ValueTask HandleLineAsync(System.Buffers.ReadOnlySequence<byte> line)
    {
        if (line.IsEmpty || !JsonRpcReader.TryReadMessage(line, out var message, out _, ClientConnection.ReaderOptions))
        {
            return;
        }

        var detached = message.Detach();
        if (detached.Kind is JsonRpcMessageKind.Response or JsonRpcMessageKind.ErrorResponse)
        {
            _pending.TryComplete(detached);
        }
        else
        {
            await OnIncoming(detached).ConfigureAwait(false);
        }
    }
}
