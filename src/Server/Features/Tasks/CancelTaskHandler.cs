using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Server.Dispatch;
using Mcp.Raw.Server.Tasks;
using Mcp.Raw.Transport.Handling;

namespace Mcp.Raw.Server.Features.Tasks;

/// <summary><c>tasks/cancel</c> (T-22): the task ends as cancelled; a task that has ended already gets the same ack.</summary>
internal sealed class CancelTaskHandler(McpServer server) : RequestHandler(server)
{
    public override McpMethod Method => McpMethod.TasksCancel;

    public override Eras Eras => Eras.Modern2026;

    public override async Task HandleAsync(McpRequestContext context)
    {
        var (task, document) = await Server.Tasks.FindAsync(context).ConfigureAwait(false);
        using (document)
        {
            if (Server.Tasks.Running(task.TaskId) is { } running)
            {
                await running.CancelAsync().ConfigureAwait(false);
            }
            else if (Server.Broadcast is { } broadcast && !task.State.IsTerminal())
            {
                // Its tool runs in another process of the deployment: cancelled in the shared store here (so the
                // acknowledgement holds even if the message is lost), then that process is told to stop the tool.
                await Server.Tasks.CancelInStoreAsync(task.TaskId).ConfigureAwait(false);
                await broadcast.PublishAsync(TaskControl.Encode(TaskControl.Cancel, task.TaskId)).ConfigureAwait(false);
            }

            await TaskJson.RespondAckAsync(context, Server.ServerInfoMeta).ConfigureAwait(false);
        }
    }
}
