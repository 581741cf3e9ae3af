using System.Buffers;
using System.Text.Json;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;
using Mcp.Raw.Server.Dispatch;
using Mcp.Raw.Server.Features.InputRounds;
using Mcp.Raw.Server.Features.Tasks;
using Mcp.Raw.Server.Tasks;
using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Handling;
using Microsoft.Extensions.Logging;

namespace Mcp.Raw.Server.Features.Tools;

/// <summary>
/// <c>tools/call</c> (SV-04..SV-10): the arguments meet the tool's schema, the handler runs, and its result (or its
/// failure, as an isError result) is the answer. The hot path reads the request's bytes once (no DOM); a 2026-07-28
/// retry carrying MRTR fields is read with a DOM (<see cref="InputRound"/>).
/// </summary>
internal sealed partial class CallToolHandler(McpServer server) : RequestHandler(server)
{
    public override McpMethod Method => McpMethod.ToolsCall;

    public override bool IsAvailable => Server.Tools.Count > 0;

    public override async Task HandleAsync(McpRequestContext context)
    {
        // One pass over the raw params: the name, the arguments' bytes, and whether MRTR fields came along.
        var scan = ScanCall(context.Message);
        if (context.IsModern && scan.HasInputFields)
        {
            await CallWithInputAsync(context).ConfigureAwait(false);
            return;
        }

        if (!Server.Tools.TryGet(scan.Name, out var tool))
        {
            throw new McpException(JsonRpcErrorCode.InvalidParams, $"Unknown tool: '{ClientText.Clip(scan.Name)}'.");
        }

        using var mcp = new McpContext(Server, context, scan.Name, default, null, false, null);
        if (scan.HasArguments)
        {
            mcp.SetRawArguments(scan.Arguments);
        }

        await RunAsync(context, tool, mcp, default).ConfigureAwait(false);
    }

    /// <summary>tools/call carrying inputResponses or requestState (2026-07-28 MRTR retries): read with a DOM.</summary>
    private async Task CallWithInputAsync(McpRequestContext context)
    {
        using var document = RequestParams.Parse(context);
        var root = document.RootElement;
        var name = RequestParams.RequireString(root, "name", "tools/call needs params.name.");
        if (!Server.Tools.TryGet(name, out var tool))
        {
            throw new McpException(JsonRpcErrorCode.InvalidParams, $"Unknown tool: '{ClientText.Clip(name)}'.");
        }

        var arguments = default(JsonElement);
        if (root.TryGetProperty("arguments", out var args) && args.ValueKind != JsonValueKind.Null)
        {
            if (args.ValueKind != JsonValueKind.Object)
            {
                throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: arguments must be an object.");
            }

            arguments = args;
        }

        using var mcp = InputRound.CreateContext(Server, context, McpMethods.ToolsCall, name, arguments, root);
        await RunAsync(context, tool, mcp, arguments).ConfigureAwait(false);
    }

    private async Task RunAsync(McpRequestContext context, McpServerTool tool, McpContext mcp, JsonElement arguments)
    {
        var name = tool.Name;
        CallToolResult result;

        // The arguments meet the tool's input schema before its handler runs (SV-10): an isError result from 2025-11-25
        // on (M-SV-08: the model can correct itself), -32602 before it. Read straight from the request's bytes on the
        // fast path, from the DOM's own bytes on the MRTR path.
        var problem = mcp.TryGetRawArguments(out var raw) ? tool.Validator.Validate(raw)
            : tool.Validator.Validate(arguments.ValueKind == JsonValueKind.Object ? System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(arguments) : default);
        if (problem is not null)
        {
            var message = $"Invalid arguments for tool '{name}': {problem}.";
            if (!context.IsModern && context.ProtocolVersion < McpProtocolVersion.V2025_11_25)
            {
                throw new McpException(JsonRpcErrorCode.InvalidParams, message);
            }

            await WriteResultAsync(context, McpResults.Error(message)).ConfigureAwait(false);
            return;
        }

        try
        {
            // The tasks extension (SEP-2663): a task only when this request declares it (T-02) and the tool has not
            // finished by its first yield (T-10, T-21: an MRTR round or a quick result before that is answered as is).
            var asTask = tool.TaskSupport != McpTaskSupport.None && TaskRunner.Declares(context);
            if (tool.TaskSupport == McpTaskSupport.Required && !asTask)
            {
                throw TaskRunner.NotDeclared();
            }

            if (!asTask)
            {
                result = await tool.Handler(mcp).ConfigureAwait(false);
            }
            else
            {
                var running = Server.Tasks.Prepare(context);
                try
                {
                    mcp.BindTask(running);
                    Task<CallToolResult> run;
                    try
                    {
                        run = tool.Handler(mcp).AsTask();
                    }
                    finally
                    {
                        mcp.EndSynchronousStart();
                    }

                    McpTaskRecord? task = null;
                    if (!run.IsCompleted)
                    {
                        try
                        {
                            task = await Server.Tasks.TryStartAsync(context, tool, running, mcp, run).ConfigureAwait(false);
                        }
                        catch (Exception e) when (e is not OperationCanceledException || !context.Cancellation.IsCancellationRequested)
                        {
                            // A store that fails: the call goes on as a plain one rather than orphaning its tool.
                            LogTaskStoreFailed(Server.Logger, tool.Name, e);
                        }
                    }

                    if (task is not null)
                    {
                        await TaskJson.RespondCreatedAsync(context, task, Server.ServerInfoMeta).ConfigureAwait(false);
                        return;
                    }

                    running.NotCreated();
                    result = await run.ConfigureAwait(false);
                }
                finally
                {
                    // A task's runner owns it from its start; a plain call's is done here.
                    if (!running.IsStarted)
                    {
                        running.NotCreated();
                        running.Dispose();
                    }
                }
            }
        }
        catch (InputRequiredException input) when (context.IsModern)
        {
            await InputRound.RespondInputRequiredAsync(Server, context, McpMethods.ToolsCall, name, arguments.ValueKind == JsonValueKind.Undefined ? mcp.Arguments : arguments, mcp, input).ConfigureAwait(false);
            return;
        }
        catch (McpException e) when (!context.IsModern && e is McpMissingCapabilityException or ClientNotReadyException)
        {
            // SV-29 / LC-06: fail the call instead of sending a request the client cannot take.
            result = McpResults.Error(e.Message);
        }
        catch (McpException)
        {
            throw;
        }
        catch (OperationCanceledException) when (context.Cancellation.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            // SV-09: an execution failure is a result with isError, never a crashed stream. Its message stays in the
            // log: exception text can hold paths, connection strings or user data (McpToolException's is shown).
            LogToolFailed(Server.Logger, name, e);
            result = McpResults.Error(e is McpToolException || Server.Options.IncludeExceptionDetails
                ? $"Tool '{name}' failed: {e.Message}"
                : $"Tool '{name}' failed with an unexpected error.");
        }

        await WriteResultAsync(context, result).ConfigureAwait(false);
    }

    private async Task WriteResultAsync(McpRequestContext context, CallToolResult result)
    {
        var modern = context.IsModern;
        if (result.Content is [TextContent { Annotations: null, Meta: null } text] && result.StructuredContent is null && result.Meta is null && result.ResultType is null)
        {
            // The common shape, written by a callback: no polymorphic serialization, no intermediate objects.
            await context.RespondAsync(static (json, s) =>
            {
                json.WriteStartObject();
                json.WritePropertyName("content"u8);
                json.WriteStartArray();
                json.WriteStartObject();
                json.WriteString("type"u8, "text"u8);
                json.WriteString("text"u8, s.Text);
                json.WriteEndObject();
                json.WriteEndArray();
                if (s.IsError is { } isError)
                {
                    json.WriteBoolean("isError"u8, isError);
                }

                if (s.Modern)
                {
                    json.WriteString("resultType"u8, "complete"u8);
                    json.WritePropertyName("_meta"u8);
                    s.Meta.WriteTo(json);
                }

                json.WriteEndObject();
            }, (text.Text, result.IsError, Modern: modern, Meta: Server.ServerInfoMeta)).ConfigureAwait(false);
            return;
        }

        if (modern)
        {
            result.ResultType ??= ResultTypes.Complete;
            result.Meta ??= Server.ServerInfoMeta;
        }

        await context.RespondAsync(result, McpJsonContext.Default.CallToolResult).ConfigureAwait(false);
    }

    private readonly record struct CallScan(string Name, bool HasArguments, ReadOnlySequence<byte> Arguments, bool HasInputFields);

    /// <summary>
    /// Name, arguments (as a slice) and the presence of MRTR fields of tools/call, from what the reader picked out of
    /// params as it read the message (no second pass).
    /// </summary>
    private static CallScan ScanCall(in JsonRpcMessage message)
    {
        if (!message.HasParams)
        {
            throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: tools/call needs params.");
        }

        var envelope = message.Envelope;
        Span<byte> first = stackalloc byte[1];
        message.Params.Slice(0, 1).CopyTo(first);
        if (first[0] != (byte)'{')
        {
            throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: params must be an object.");
        }

        var name = envelope.NameKind switch
        {
            JsonValueKind.Undefined => null,
            JsonValueKind.String => envelope.GetName(),
            _ => throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: tools/call needs params.name as a string."),
        };
        if (string.IsNullOrEmpty(name))
        {
            throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: tools/call needs params.name.");
        }

        var hasArguments = envelope.ArgumentsKind switch
        {
            JsonValueKind.Object => true,
            JsonValueKind.Undefined or JsonValueKind.Null => false,
            _ => throw new McpException(JsonRpcErrorCode.InvalidParams, "Invalid params: arguments must be an object."),
        };
        return new CallScan(name, hasArguments, hasArguments ? envelope.Arguments : default, envelope.HasInputFields);
    }

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "The task store failed; tool {Tool} runs without a task.")]
    private static partial void LogTaskStoreFailed(ILogger logger, string tool, Exception exception);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Tool {Tool} failed; the client gets an isError result.")]
    private static partial void LogToolFailed(ILogger logger, string tool, Exception exception);
}
