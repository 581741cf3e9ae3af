namespace Mcp.Raw.Server.Features.Subscriptions;

/// <summary>What changed: a list, or one resource.</summary>
internal enum ChangeKind
{
    Tools,
    Prompts,
    Resources,
    ResourceUpdated,

    /// <summary>A task's status (the tasks extension, T-24): <c>notifications/tasks</c> with the DetailedTask.</summary>
    Task,
}

/// <summary>
/// A change to announce; <see cref="Uri"/> for <see cref="ChangeKind.ResourceUpdated"/>, the task id and the
/// DetailedTask's JSON (<see cref="Payload"/>) for <see cref="ChangeKind.Task"/>.
/// </summary>
internal readonly record struct Change(ChangeKind Kind, string? Uri, ReadOnlyMemory<byte> Payload = default)
{
    public static ReadOnlySpan<byte> ListChangedMethod(ChangeKind kind) => kind switch
    {
        ChangeKind.Tools => "notifications/tools/list_changed"u8,
        ChangeKind.Prompts => "notifications/prompts/list_changed"u8,
        _ => "notifications/resources/list_changed"u8,
    };

    /// <summary>Whether <paramref name="uri"/> is the subscribed URI or below it.</summary>
    public static bool IsSameOrChild(string uri, string subscribed) =>
        uri.Equals(subscribed, StringComparison.Ordinal) ||
        (uri.StartsWith(subscribed, StringComparison.Ordinal) && (subscribed.EndsWith('/') || uri[subscribed.Length] == '/'));
}
