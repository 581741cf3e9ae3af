using System.Buffers;
using Mcp.Raw.Protocol.JsonRpc;

namespace Mcp.Raw.Transport.Dispatch;

/// <summary>
/// A client's message as it travels to the other processes of a scale-out (<see cref="Sessions.ISessionBus"/>): the
/// message alone, written again from what was read (a response with its result or error, or a notification with its
/// params), since what it was read from may be a batch.
/// </summary>
internal static class OtherNodes
{
    public static byte[] Serialize(in JsonRpcMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new JsonRpcWriter())
        {
            switch (message.Kind)
            {
                case JsonRpcMessageKind.Response:
                    writer.WriteResponse(buffer, message.Id, message.Result.ToArray());
                    break;
                case JsonRpcMessageKind.ErrorResponse:
                    writer.WriteError(buffer, message.Id, message.ErrorCode, message.ErrorMessage ?? string.Empty, message.ErrorData.ToArray());
                    break;
                default:
                    writer.WriteNotification(buffer, System.Text.Encoding.UTF8.GetBytes(message.MethodName ?? string.Empty), message.Params.ToArray());
                    break;
            }
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads one message back; false when it is not exactly one valid message.</summary>
    public static bool TryRead(ReadOnlyMemory<byte> json, out JsonRpcMessage message)
    {
        message = default;
        var payload = JsonRpcReader.Read(new ReadOnlySequence<byte>(json));
        if (payload.HasBodyError || payload.Count != 1 || !payload[0].IsValid)
        {
            return false;
        }

        message = payload[0].Message;
        return true;
    }
}
