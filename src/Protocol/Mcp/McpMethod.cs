namespace Mcp.Raw.Protocol.Mcp;

/// <summary>The MCP methods this library knows by name; anything else is <see cref="Unknown"/>.</summary>
public enum McpMethod
{
    /// <summary>No method (a response) or one not in this list.</summary>
    Unknown = 0,

    /// <summary><c>initialize</c>: Lifecycle handshake (2024-11-05 .. 2025-11-25).</summary>
    Initialize = 1,

    /// <summary><c>notifications/initialized</c>: The client's notification that the handshake is complete.</summary>
    Initialized = 2,

    /// <summary><c>ping</c>: Liveness check (removed in 2026-07-28).</summary>
    Ping = 3,

    /// <summary><c>server/discover</c>: Version and capability discovery (2026-07-28).</summary>
    ServerDiscover = 4,

    /// <summary><c>tools/list</c>: Lists tools.</summary>
    ToolsList = 5,

    /// <summary><c>tools/call</c>: Calls a tool.</summary>
    ToolsCall = 6,

    /// <summary><c>resources/list</c>: Lists resources.</summary>
    ResourcesList = 7,

    /// <summary><c>resources/read</c>: Reads a resource.</summary>
    ResourcesRead = 8,

    /// <summary><c>resources/templates/list</c>: Lists resource templates.</summary>
    ResourcesTemplatesList = 9,

    /// <summary><c>resources/subscribe</c>: Subscribes to a resource (removed in 2026-07-28).</summary>
    ResourcesSubscribe = 10,

    /// <summary><c>resources/unsubscribe</c>: Unsubscribes from a resource (removed in 2026-07-28).</summary>
    ResourcesUnsubscribe = 11,

    /// <summary><c>prompts/list</c>: Lists prompts.</summary>
    PromptsList = 12,

    /// <summary><c>prompts/get</c>: Gets a prompt.</summary>
    PromptsGet = 13,

    /// <summary><c>completion/complete</c>: Argument completion.</summary>
    CompletionComplete = 14,

    /// <summary><c>logging/setLevel</c>: Sets the session's log level (removed in 2026-07-28).</summary>
    LoggingSetLevel = 15,

    /// <summary><c>subscriptions/listen</c>: Opens a change-notification stream (2026-07-28).</summary>
    SubscriptionsListen = 16,

    /// <summary><c>sampling/createMessage</c>: Server-to-client sampling request.</summary>
    SamplingCreateMessage = 17,

    /// <summary><c>elicitation/create</c>: Server-to-client elicitation request.</summary>
    ElicitationCreate = 18,

    /// <summary><c>roots/list</c>: Server-to-client roots request.</summary>
    RootsList = 19,

    /// <summary><c>tasks/get</c>: Task status (tasks).</summary>
    TasksGet = 20,

    /// <summary><c>tasks/result</c>: Task result (tasks).</summary>
    TasksResult = 21,

    /// <summary><c>tasks/list</c>: Lists tasks (tasks, 2025-11-25).</summary>
    TasksList = 22,

    /// <summary><c>tasks/cancel</c>: Cancels a task (tasks).</summary>
    TasksCancel = 23,

    /// <summary><c>tasks/update</c>: Supplies client input to a task (tasks extension).</summary>
    TasksUpdate = 24,

    /// <summary><c>notifications/cancelled</c>: Cancels an in-flight request.</summary>
    NotificationsCancelled = 25,

    /// <summary><c>notifications/progress</c>: Progress of a request.</summary>
    NotificationsProgress = 26,

    /// <summary><c>notifications/message</c>: A log message.</summary>
    NotificationsMessage = 27,

    /// <summary><c>notifications/resources/updated</c>: A subscribed resource changed.</summary>
    NotificationsResourcesUpdated = 28,

    /// <summary><c>notifications/resources/list_changed</c>: The resource list changed.</summary>
    NotificationsResourcesListChanged = 29,

    /// <summary><c>notifications/tools/list_changed</c>: The tool list changed.</summary>
    NotificationsToolsListChanged = 30,

    /// <summary><c>notifications/prompts/list_changed</c>: The prompt list changed.</summary>
    NotificationsPromptsListChanged = 31,

    /// <summary><c>notifications/roots/list_changed</c>: The client's roots changed (removed in 2026-07-28).</summary>
    NotificationsRootsListChanged = 32,

    /// <summary><c>notifications/elicitation/complete</c>: A URL-mode elicitation completed (removed in 2026-07-28).</summary>
    NotificationsElicitationComplete = 33,

    /// <summary><c>notifications/subscriptions/acknowledged</c>: First message on a subscriptions/listen stream.</summary>
    NotificationsSubscriptionsAcknowledged = 34,

    /// <summary><c>notifications/tasks/status</c>: A task's status changed (tasks).</summary>
    NotificationsTasksStatus = 35,
}
