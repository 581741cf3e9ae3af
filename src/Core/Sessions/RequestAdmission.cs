namespace Mcp.Raw.Transport.Sessions;

/// <summary>The outcome of <see cref="McpSession.TryBeginRequest"/>.</summary>
internal enum RequestAdmission
{
    /// <summary>The request is registered and holds a slot.</summary>
    Started,

    /// <summary>Every slot of the session is taken: 429.</summary>
    TooMany,

    /// <summary>A request with this id is already in progress in the session: -32600.</summary>
    DuplicateId,
}
