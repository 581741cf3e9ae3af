using System.Text.Json;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Server.Dispatch;
using Mcp.Raw.Server.Tasks;
using Mcp.Raw.Transport.Handling;

namespace Mcp.Raw.Server.Features.Tasks;

/// <summary><c>tasks/update</c> (T-20): the answers to an <c>input_required</c> task; always the empty ack.</summary>
internal sealed class UpdateTaskHandler(McpServer server) : RequestHandler(server)
{
    public override McpMethod Method => McpMethod.TasksUpdate;

    public override Eras Eras => Eras.Modern2026;

    public override async Task HandleAsync(McpRequestContext context)
    {
        var (task, document) = await Server.Tasks.FindAsync(context).ConfigureAwait(false);
        using (document)
        {
            if (!document.RootElement.TryGetProperty("inputResponses", out var responses) || responses.ValueKind != JsonValueKind.Object)
            {
                throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: tasks/update needs params.inputResponses, an object mapping each inputRequests key to its result.");
            }

            // An answer to an outstanding key must be an object (-32602); anything under another key is ignored (T-20).
            if (Server.Tasks.Running(task.TaskId) is { } running)
            {
                await running.AnswerAsync(responses).ConfigureAwait(false);
            }
            else if (Server.Broadcast is { } broadcast && !task.State.IsTerminal())
            {
                // Its tool runs in another process of the deployment.
                await broadcast.PublishAsync(TaskControl.Encode(TaskControl.Update, task.TaskId, System.Text.Encoding.UTF8.GetBytes(responses.GetRawText()))).ConfigureAwait(false);
            }

            await TaskJson.RespondAckAsync(context, Server.ServerInfoMeta).ConfigureAwait(false);
        }
    }
}
