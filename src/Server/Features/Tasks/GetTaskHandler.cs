using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Server.Dispatch;
using Mcp.Raw.Transport.Handling;

namespace Mcp.Raw.Server.Features.Tasks;

/// <summary><c>tasks/get</c> (T-12..T-17, T-19): the task as it is now, its result or error inlined when it has ended.</summary>
internal sealed class GetTaskHandler(McpServer server) : RequestHandler(server)
{
    public override McpMethod Method => McpMethod.TasksGet;

    public override Eras Eras => Eras.Modern2026;

    public override async Task HandleAsync(McpRequestContext context)
    {
        var (task, document) = await Server.Tasks.FindAsync(context).ConfigureAwait(false);
        using (document)
        {
            await TaskJson.RespondDetailedAsync(context, task, Server.ServerInfoMeta).ConfigureAwait(false);
        }
    }
}
