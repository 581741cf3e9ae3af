using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Mcp.Raw.Server.Features.Tasks;

/// <summary>
/// <c>tasks/update</c> and <c>tasks/cancel</c> for a task whose tool runs in another process of the deployment: sent
/// on the change broadcast (<see cref="Transport.IChangeBroadcast"/>), acted on by the process that runs it. A
/// message is a tag (<see cref="Update"/> or <see cref="Cancel"/>), the task id's length and the id, then the
/// answers' JSON for an update. A task's status on the broadcast has the same layout (<see cref="Encode"/>).
/// </summary>
internal static class TaskControl
{
    public const byte Update = (byte)'U';
    public const byte Cancel = (byte)'X';

    public static bool IsControl(ReadOnlySpan<byte> message) => !message.IsEmpty && message[0] is Update or Cancel;

    public static byte[] Encode(byte tag, string taskId, ReadOnlySpan<byte> responses = default)
    {
        var id = Encoding.UTF8.GetBytes(taskId);
        var message = new byte[3 + id.Length + responses.Length];
        message[0] = tag;
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(1), checked((ushort)id.Length));
        id.CopyTo(message, 3);
        responses.CopyTo(message.AsSpan(3 + id.Length));
        return message;
    }

    /// <summary>Reads what <see cref="Encode"/> wrote after its tag: the task id and the payload; false when malformed.</summary>
    public static bool TryDecode(ReadOnlyMemory<byte> message, out string taskId, out ReadOnlyMemory<byte> payload)
    {
        var span = message.Span;
        if (span.Length < 3 || BinaryPrimitives.ReadUInt16BigEndian(span[1..]) is var length && span.Length < 3 + length)
        {
            taskId = string.Empty;
            payload = default;
            return false;
        }

        taskId = Encoding.UTF8.GetString(span.Slice(3, length));
        payload = message[(3 + length)..];
        return true;
    }

    /// <summary>Acts on a message from another process, if the task runs here; anything else is ignored.</summary>
    public static async ValueTask ReceiveAsync(TaskRunner tasks, ReadOnlyMemory<byte> message)
    {
        if (!TryDecode(message, out var taskId, out var payload) || tasks.Running(taskId) is not { } running)
        {
            return;
        }

        if (message.Span[0] == Cancel)
        {
            await running.CancelAsync().ConfigureAwait(false);
            return;
        }

        try
        {
            using var answers = JsonDocument.Parse(payload);
            await running.AnswerAsync(answers.RootElement).ConfigureAwait(false);
        }
        catch (Exception e) when (e is JsonException or McpException)
        {
            // The node that took the tasks/update has answered it already; an answer the task cannot use is dropped.
        }
    }
}
