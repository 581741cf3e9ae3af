using System.Text.Json;
using System.Text.Json.Serialization;
using Mcp.Raw.Protocol.JsonRpc;

namespace Mcp.Raw.Protocol.Mcp;

/// <summary>
/// Source-generated serialization metadata for every MCP type: no reflection at run time, trim- and AOT-safe.
/// Nulls are omitted; the <c>type</c> discriminator of content blocks may come in any position.
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowOutOfOrderMetadataProperties = true,
    RespectRequiredConstructorParameters = true,
    WriteIndented = false)]
[JsonSerializable(typeof(RequestId))]
[JsonSerializable(typeof(ProgressToken))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(Implementation))]
[JsonSerializable(typeof(ClientCapabilities))]
[JsonSerializable(typeof(ServerCapabilities))]
[JsonSerializable(typeof(InitializeRequestParams))]
[JsonSerializable(typeof(InitializeResult))]
[JsonSerializable(typeof(DiscoverResult))]
[JsonSerializable(typeof(PaginatedRequestParams))]
[JsonSerializable(typeof(EmptyResult))]
[JsonSerializable(typeof(Tool))]
[JsonSerializable(typeof(ListToolsResult))]
[JsonSerializable(typeof(CallToolRequestParams))]
[JsonSerializable(typeof(CallToolResult))]
[JsonSerializable(typeof(ContentBlock))]
[JsonSerializable(typeof(ResourceContents))]
[JsonSerializable(typeof(ListResourcesResult))]
[JsonSerializable(typeof(ListResourceTemplatesResult))]
[JsonSerializable(typeof(ReadResourceRequestParams))]
[JsonSerializable(typeof(ReadResourceResult))]
[JsonSerializable(typeof(ResourceUriParams))]
[JsonSerializable(typeof(ListPromptsResult))]
[JsonSerializable(typeof(GetPromptRequestParams))]
[JsonSerializable(typeof(GetPromptResult))]
[JsonSerializable(typeof(CompleteRequestParams))]
[JsonSerializable(typeof(CompleteResult))]
[JsonSerializable(typeof(SetLevelRequestParams))]
[JsonSerializable(typeof(LoggingMessageNotificationParams))]
[JsonSerializable(typeof(ProgressNotificationParams))]
[JsonSerializable(typeof(CancelledNotificationParams))]
[JsonSerializable(typeof(CreateMessageRequestParams))]
[JsonSerializable(typeof(CreateMessageResult))]
[JsonSerializable(typeof(ElicitationSchema))]
[JsonSerializable(typeof(ElicitRequestParams))]
[JsonSerializable(typeof(ElicitResult))]
[JsonSerializable(typeof(ElicitationCompleteNotificationParams))]
[JsonSerializable(typeof(ListRootsResult))]
[JsonSerializable(typeof(InputRequest))]
[JsonSerializable(typeof(InputRequiredResult))]
[JsonSerializable(typeof(SubscriptionsListenRequestParams))]
[JsonSerializable(typeof(SubscriptionsAcknowledgedNotificationParams))]
[JsonSerializable(typeof(SubscriptionsListenResult))]
[JsonSerializable(typeof(CreateTaskResult))]
[JsonSerializable(typeof(TaskIdParams))]
[JsonSerializable(typeof(ListTasksResult))]
[JsonSerializable(typeof(UnsupportedProtocolVersionErrorData))]
[JsonSerializable(typeof(MissingRequiredClientCapabilityErrorData))]
[JsonSerializable(typeof(UrlElicitationRequiredErrorData))]
[JsonSerializable(typeof(ResourceNotFoundErrorData))]
[JsonSerializable(typeof(IDictionary<string, JsonElement>))]
public sealed partial class McpJsonContext : JsonSerializerContext;
