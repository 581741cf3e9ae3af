using Mcp.Raw.Transport.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

using Mcp.Raw.Transport.Dispatch;

namespace Mcp.Raw.Transport.Http;

/// <summary>
/// The access and error log of refusals: every refusal (403 Origin/Host, 401/403 authentication, 404 session, 413,
/// 429, 503, ...) is logged with its reason, the remote address, the method, the path and the era. Warnings are
/// rate-limited per reason (<see cref="WarningsPerWindow"/> per 10 s, then one line with the number left out), so a
/// flood cannot flood the log; client mistakes that are part of normal operation (404 after a session ended, 400
/// input errors) are logged at Debug.
/// </summary>
internal sealed partial class RejectionLog(ILogger<RejectionLog> logger, TimeProvider? time = null)
{
    /// <summary>Warnings logged per reason in each 10-second window.</summary>
    public const int WarningsPerWindow = 20;

    private static readonly TimeSpan s_window = TimeSpan.FromSeconds(10);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Window[] _windows = CreateWindows();

    /// <summary>Logs a transport refusal.</summary>
    public void Log(HttpContext http, RejectionReason reason, int status)
    {
        ArgumentNullException.ThrowIfNull(http);
        Log(http, reason.ToString(), status, Rejections.GetMessage(reason), IsWarning(reason), (int)reason);
    }

    /// <summary>Logs an authentication or authorization refusal (401/403) or another named one.</summary>
    public void Log(HttpContext http, string reason, int status, string detail, bool warning = true)
    {
        ArgumentNullException.ThrowIfNull(http);
        Log(http, reason, status, detail, warning, _windows.Length - 1);
    }

    private void Log(HttpContext http, string reason, int status, string detail, bool warning, int window)
    {
        var level = warning ? LogLevel.Warning : LogLevel.Debug;
        if (!logger.IsEnabled(level))
        {
            return;
        }

        var request = http.Request;
        var remote = http.Connection.RemoteIpAddress?.ToString() ?? "-";
        var era = Era(http);
        if (!warning)
        {
            LogRefusedDebug(logger, request.Method, request.Path, status, reason, detail, remote, era);
            return;
        }

        var suppressed = _windows[window].Enter(_time.GetTimestamp(), _time);
        if (suppressed < 0)
        {
            return;
        }

        if (suppressed > 0)
        {
            LogSuppressed(logger, suppressed, reason);
        }

        var origin = EraClassifier.Shorten(request.Headers.Origin.ToString());
        var host = EraClassifier.Shorten(request.Headers.Host.ToString());
        LogRefused(logger, request.Method, request.Path, status, reason, detail, remote, era, origin, host);
    }

    /// <summary>The era a refused request claimed, from its headers alone (the body may not have been read).</summary>
    private static string Era(HttpContext http)
    {
        var version = EraClassifier.Shorten(http.Request.Headers[McpHeaders.ProtocolVersion].ToString());
        if (version.Length > 0)
        {
            return version;
        }

        return http.Request.Headers.ContainsKey(McpHeaders.SessionId) ? "2025 session"
            : http.Request.Query.ContainsKey("sessionId") ? "2024-11-05"
            : "-";
    }

    private static bool IsWarning(RejectionReason reason) => reason switch
    {
        RejectionReason.OriginNotAllowed or RejectionReason.HostNotAllowed or RejectionReason.BodyTooLarge
            or RejectionReason.SessionQuotaExceeded or RejectionReason.TooManyRequestsInFlight or RejectionReason.TooManySessions
            or RejectionReason.TooManyHttpSse2024Connections or RejectionReason.TooManyStreams or RejectionReason.ShuttingDown => true,
        _ => false,
    };

    private static Window[] CreateWindows()
    {
        // One window per transport reason and one shared by the authentication refusals.
        var windows = new Window[Enum.GetValues<RejectionReason>().Length + 1];
        for (var i = 0; i < windows.Length; i++)
        {
            windows[i] = new Window();
        }

        return windows;
    }

    /// <summary>A fixed 10-second window: the first <see cref="WarningsPerWindow"/> entries pass, the rest are counted.</summary>
    private sealed class Window
    {
        private readonly Lock _lock = new();
        private long _start;
        private int _count;
        private int _suppressed;

        /// <summary>-1 to stay silent; otherwise the number left out in the previous window (0 usually).</summary>
        public int Enter(long now, TimeProvider time)
        {
            lock (_lock)
            {
                if (_start == 0 || time.GetElapsedTime(_start, now) >= s_window)
                {
                    var left = _suppressed;
                    _start = now;
                    _count = 1;
                    _suppressed = 0;
                    return left;
                }

                if (_count < WarningsPerWindow)
                {
                    _count++;
                    return 0;
                }

                _suppressed++;
                return -1;
            }
        }
    }

    [LoggerMessage(EventId = 70, Level = LogLevel.Warning, Message = "Refused {Method} {Path} with {Status} ({Reason}): {Detail} remote={Remote} era={Era} origin='{Origin}' host='{Host}'")]
    private static partial void LogRefused(ILogger logger, string method, PathString path, int status, string reason, string detail, string remote, string era, string origin, string host);

    [LoggerMessage(EventId = 71, Level = LogLevel.Debug, Message = "Refused {Method} {Path} with {Status} ({Reason}): {Detail} remote={Remote} era={Era}")]
    private static partial void LogRefusedDebug(ILogger logger, string method, PathString path, int status, string reason, string detail, string remote, string era);

    [LoggerMessage(EventId = 72, Level = LogLevel.Warning, Message = "{Count} more refusals ({Reason}) were not logged in the last 10 s.")]
    private static partial void LogSuppressed(ILogger logger, int count, string reason);
}
