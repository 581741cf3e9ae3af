// Over 400 lines by design: one constant, one UTF-8 literal and one lookup arm per MCP method, a table that reads
// best whole.
using System.Diagnostics.CodeAnalysis;

namespace Mcp.Raw.Protocol.Mcp;

/// <summary>
/// MCP method names as strings and UTF-8 literals, and an allocation-free lookup from UTF-8 bytes to <see cref="McpMethod"/>.
/// </summary>
public static class McpMethods
{
    /// <summary><c>initialize</c></summary>
    public const string Initialize = "initialize";

    /// <summary><c>notifications/initialized</c></summary>
    public const string Initialized = "notifications/initialized";

    /// <summary><c>ping</c></summary>
    public const string Ping = "ping";

    /// <summary><c>server/discover</c></summary>
    public const string ServerDiscover = "server/discover";

    /// <summary><c>tools/list</c></summary>
    public const string ToolsList = "tools/list";

    /// <summary><c>tools/call</c></summary>
    public const string ToolsCall = "tools/call";

    /// <summary><c>resources/list</c></summary>
    public const string ResourcesList = "resources/list";

    /// <summary><c>resources/read</c></summary>
    public const string ResourcesRead = "resources/read";

    /// <summary><c>resources/templates/list</c></summary>
    public const string ResourcesTemplatesList = "resources/templates/list";

    /// <summary><c>resources/subscribe</c></summary>
    public const string ResourcesSubscribe = "resources/subscribe";

    /// <summary><c>resources/unsubscribe</c></summary>
    public const string ResourcesUnsubscribe = "resources/unsubscribe";

    /// <summary><c>prompts/list</c></summary>
    public const string PromptsList = "prompts/list";

    /// <summary><c>prompts/get</c></summary>
    public const string PromptsGet = "prompts/get";

    /// <summary><c>completion/complete</c></summary>
    public const string CompletionComplete = "completion/complete";

    /// <summary><c>logging/setLevel</c></summary>
    public const string LoggingSetLevel = "logging/setLevel";

    /// <summary><c>subscriptions/listen</c></summary>
    public const string SubscriptionsListen = "subscriptions/listen";

    /// <summary><c>sampling/createMessage</c></summary>
    public const string SamplingCreateMessage = "sampling/createMessage";

    /// <summary><c>elicitation/create</c></summary>
    public const string ElicitationCreate = "elicitation/create";

    /// <summary><c>roots/list</c></summary>
    public const string RootsList = "roots/list";

    /// <summary><c>tasks/get</c></summary>
    public const string TasksGet = "tasks/get";

    /// <summary><c>tasks/result</c></summary>
    public const string TasksResult = "tasks/result";

    /// <summary><c>tasks/list</c></summary>
    public const string TasksList = "tasks/list";

    /// <summary><c>tasks/cancel</c></summary>
    public const string TasksCancel = "tasks/cancel";

    /// <summary><c>tasks/update</c></summary>
    public const string TasksUpdate = "tasks/update";

    /// <summary><c>notifications/cancelled</c></summary>
    public const string NotificationsCancelled = "notifications/cancelled";

    /// <summary><c>notifications/progress</c></summary>
    public const string NotificationsProgress = "notifications/progress";

    /// <summary><c>notifications/message</c></summary>
    public const string NotificationsMessage = "notifications/message";

    /// <summary><c>notifications/resources/updated</c></summary>
    public const string NotificationsResourcesUpdated = "notifications/resources/updated";

    /// <summary><c>notifications/resources/list_changed</c></summary>
    public const string NotificationsResourcesListChanged = "notifications/resources/list_changed";

    /// <summary><c>notifications/tools/list_changed</c></summary>
    public const string NotificationsToolsListChanged = "notifications/tools/list_changed";

    /// <summary><c>notifications/prompts/list_changed</c></summary>
    public const string NotificationsPromptsListChanged = "notifications/prompts/list_changed";

    /// <summary><c>notifications/roots/list_changed</c></summary>
    public const string NotificationsRootsListChanged = "notifications/roots/list_changed";

    /// <summary><c>notifications/elicitation/complete</c></summary>
    public const string NotificationsElicitationComplete = "notifications/elicitation/complete";

    /// <summary><c>notifications/subscriptions/acknowledged</c></summary>
    public const string NotificationsSubscriptionsAcknowledged = "notifications/subscriptions/acknowledged";

    /// <summary><c>notifications/tasks/status</c></summary>
    public const string NotificationsTasksStatus = "notifications/tasks/status";

    private static readonly string[] s_names =
    [
        string.Empty,
        Initialize,
        Initialized,
        Ping,
        ServerDiscover,
        ToolsList,
        ToolsCall,
        ResourcesList,
        ResourcesRead,
        ResourcesTemplatesList,
        ResourcesSubscribe,
        ResourcesUnsubscribe,
        PromptsList,
        PromptsGet,
        CompletionComplete,
        LoggingSetLevel,
        SubscriptionsListen,
        SamplingCreateMessage,
        ElicitationCreate,
        RootsList,
        TasksGet,
        TasksResult,
        TasksList,
        TasksCancel,
        TasksUpdate,
        NotificationsCancelled,
        NotificationsProgress,
        NotificationsMessage,
        NotificationsResourcesUpdated,
        NotificationsResourcesListChanged,
        NotificationsToolsListChanged,
        NotificationsPromptsListChanged,
        NotificationsRootsListChanged,
        NotificationsElicitationComplete,
        NotificationsSubscriptionsAcknowledged,
        NotificationsTasksStatus,
    ];

    /// <summary>The method name of a known method, or null for <see cref="McpMethod.Unknown"/>.</summary>
    public static string? GetName(McpMethod method)
    {
        var i = (int)method;
        return i > 0 && (uint)i < (uint)s_names.Length ? s_names[i] : null;
    }

    /// <summary>The UTF-8 bytes of a known method's name (empty for <see cref="McpMethod.Unknown"/>).</summary>
    public static ReadOnlySpan<byte> GetUtf8Name(McpMethod method) => method switch
    {
        McpMethod.Initialize => "initialize"u8,
        McpMethod.Initialized => "notifications/initialized"u8,
        McpMethod.Ping => "ping"u8,
        McpMethod.ServerDiscover => "server/discover"u8,
        McpMethod.ToolsList => "tools/list"u8,
        McpMethod.ToolsCall => "tools/call"u8,
        McpMethod.ResourcesList => "resources/list"u8,
        McpMethod.ResourcesRead => "resources/read"u8,
        McpMethod.ResourcesTemplatesList => "resources/templates/list"u8,
        McpMethod.ResourcesSubscribe => "resources/subscribe"u8,
        McpMethod.ResourcesUnsubscribe => "resources/unsubscribe"u8,
        McpMethod.PromptsList => "prompts/list"u8,
        McpMethod.PromptsGet => "prompts/get"u8,
        McpMethod.CompletionComplete => "completion/complete"u8,
        McpMethod.LoggingSetLevel => "logging/setLevel"u8,
        McpMethod.SubscriptionsListen => "subscriptions/listen"u8,
        McpMethod.SamplingCreateMessage => "sampling/createMessage"u8,
        McpMethod.ElicitationCreate => "elicitation/create"u8,
        McpMethod.RootsList => "roots/list"u8,
        McpMethod.TasksGet => "tasks/get"u8,
        McpMethod.TasksResult => "tasks/result"u8,
        McpMethod.TasksList => "tasks/list"u8,
        McpMethod.TasksCancel => "tasks/cancel"u8,
        McpMethod.TasksUpdate => "tasks/update"u8,
        McpMethod.NotificationsCancelled => "notifications/cancelled"u8,
        McpMethod.NotificationsProgress => "notifications/progress"u8,
        McpMethod.NotificationsMessage => "notifications/message"u8,
        McpMethod.NotificationsResourcesUpdated => "notifications/resources/updated"u8,
        McpMethod.NotificationsResourcesListChanged => "notifications/resources/list_changed"u8,
        McpMethod.NotificationsToolsListChanged => "notifications/tools/list_changed"u8,
        McpMethod.NotificationsPromptsListChanged => "notifications/prompts/list_changed"u8,
        McpMethod.NotificationsRootsListChanged => "notifications/roots/list_changed"u8,
        McpMethod.NotificationsElicitationComplete => "notifications/elicitation/complete"u8,
        McpMethod.NotificationsSubscriptionsAcknowledged => "notifications/subscriptions/acknowledged"u8,
        McpMethod.NotificationsTasksStatus => "notifications/tasks/status"u8,
        _ => [],
    };

    /// <summary>Looks a method name up by its UTF-8 bytes without allocating.</summary>
    public static bool TryMatch(ReadOnlySpan<byte> utf8Name, out McpMethod method)
    {
        method = Match(utf8Name);
        return method != McpMethod.Unknown;
    }

    /// <summary>Looks a method name up by its string.</summary>
    public static bool TryMatch([NotNullWhen(true)] string? name, out McpMethod method)
    {
        method = McpMethod.Unknown;
        if (name is null || name.Length > MaxKnownLength)
        {
            return false;
        }

        Span<byte> utf8 = stackalloc byte[MaxKnownLength * 3];
        var n = System.Text.Encoding.UTF8.GetBytes(name, utf8);
        return TryMatch(utf8[..n], out method);
    }

    /// <summary>The length in bytes of the longest known method name.</summary>
    internal const int MaxKnownLength = 48;

    private static McpMethod Match(ReadOnlySpan<byte> s)
    {
        // Dispatch on length first, then compare whole names: one or two comparisons per lookup.
        switch (s.Length)
        {
            case 4:
                if (s.SequenceEqual("ping"u8))
                {
                    return McpMethod.Ping;
                }

                break;
            case 9:
                if (s.SequenceEqual("tasks/get"u8))
                {
                    return McpMethod.TasksGet;
                }

                break;
            case 10:
                if (s.SequenceEqual("initialize"u8))
                {
                    return McpMethod.Initialize;
                }

                if (s.SequenceEqual("tools/list"u8))
                {
                    return McpMethod.ToolsList;
                }

                if (s.SequenceEqual("tools/call"u8))
                {
                    return McpMethod.ToolsCall;
                }

                if (s.SequenceEqual("roots/list"u8))
                {
                    return McpMethod.RootsList;
                }

                if (s.SequenceEqual("tasks/list"u8))
                {
                    return McpMethod.TasksList;
                }

                break;
            case 11:
                if (s.SequenceEqual("prompts/get"u8))
                {
                    return McpMethod.PromptsGet;
                }

                break;
            case 12:
                if (s.SequenceEqual("prompts/list"u8))
                {
                    return McpMethod.PromptsList;
                }

                if (s.SequenceEqual("tasks/result"u8))
                {
                    return McpMethod.TasksResult;
                }

                if (s.SequenceEqual("tasks/cancel"u8))
                {
                    return McpMethod.TasksCancel;
                }

                if (s.SequenceEqual("tasks/update"u8))
                {
                    return McpMethod.TasksUpdate;
                }

                break;
            case 14:
                if (s.SequenceEqual("resources/list"u8))
                {
                    return McpMethod.ResourcesList;
                }

                if (s.SequenceEqual("resources/read"u8))
                {
                    return McpMethod.ResourcesRead;
                }

                break;
            case 15:
                if (s.SequenceEqual("server/discover"u8))
                {
                    return McpMethod.ServerDiscover;
                }

                break;
            case 16:
                if (s.SequenceEqual("logging/setLevel"u8))
                {
                    return McpMethod.LoggingSetLevel;
                }

                break;
            case 18:
                if (s.SequenceEqual("elicitation/create"u8))
                {
                    return McpMethod.ElicitationCreate;
                }

                break;
            case 19:
                if (s.SequenceEqual("resources/subscribe"u8))
                {
                    return McpMethod.ResourcesSubscribe;
                }

                if (s.SequenceEqual("completion/complete"u8))
                {
                    return McpMethod.CompletionComplete;
                }

                break;
            case 20:
                if (s.SequenceEqual("subscriptions/listen"u8))
                {
                    return McpMethod.SubscriptionsListen;
                }

                break;
            case 21:
                if (s.SequenceEqual("resources/unsubscribe"u8))
                {
                    return McpMethod.ResourcesUnsubscribe;
                }

                if (s.SequenceEqual("notifications/message"u8))
                {
                    return McpMethod.NotificationsMessage;
                }

                break;
            case 22:
                if (s.SequenceEqual("sampling/createMessage"u8))
                {
                    return McpMethod.SamplingCreateMessage;
                }

                if (s.SequenceEqual("notifications/progress"u8))
                {
                    return McpMethod.NotificationsProgress;
                }

                break;
            case 23:
                if (s.SequenceEqual("notifications/cancelled"u8))
                {
                    return McpMethod.NotificationsCancelled;
                }

                break;
            case 24:
                if (s.SequenceEqual("resources/templates/list"u8))
                {
                    return McpMethod.ResourcesTemplatesList;
                }

                break;
            case 25:
                if (s.SequenceEqual("notifications/initialized"u8))
                {
                    return McpMethod.Initialized;
                }

                break;
            case 26:
                if (s.SequenceEqual("notifications/tasks/status"u8))
                {
                    return McpMethod.NotificationsTasksStatus;
                }

                break;
            case 31:
                if (s.SequenceEqual("notifications/resources/updated"u8))
                {
                    return McpMethod.NotificationsResourcesUpdated;
                }

                break;
            case 32:
                if (s.SequenceEqual("notifications/tools/list_changed"u8))
                {
                    return McpMethod.NotificationsToolsListChanged;
                }

                if (s.SequenceEqual("notifications/roots/list_changed"u8))
                {
                    return McpMethod.NotificationsRootsListChanged;
                }

                break;
            case 34:
                if (s.SequenceEqual("notifications/prompts/list_changed"u8))
                {
                    return McpMethod.NotificationsPromptsListChanged;
                }

                if (s.SequenceEqual("notifications/elicitation/complete"u8))
                {
                    return McpMethod.NotificationsElicitationComplete;
                }

                break;
            case 36:
                if (s.SequenceEqual("notifications/resources/list_changed"u8))
                {
                    return McpMethod.NotificationsResourcesListChanged;
                }

                break;
            case 40:
                if (s.SequenceEqual("notifications/subscriptions/acknowledged"u8))
                {
                    return McpMethod.NotificationsSubscriptionsAcknowledged;
                }

                break;
        }

        return McpMethod.Unknown;
    }
}
