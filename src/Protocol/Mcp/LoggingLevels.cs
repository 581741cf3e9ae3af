using System.Diagnostics.CodeAnalysis;

namespace Mcp.Raw.Protocol.Mcp;

/// <summary>Names of <see cref="LoggingLevel"/> values and the "at or above" rule (UT-18, M-SV-12).</summary>
public static class LoggingLevels
{
    /// <summary>The level's wire name as UTF-8.</summary>
    public static ReadOnlySpan<byte> ToUtf8(this LoggingLevel level) => level switch
    {
        LoggingLevel.Debug => "debug"u8,
        LoggingLevel.Info => "info"u8,
        LoggingLevel.Notice => "notice"u8,
        LoggingLevel.Warning => "warning"u8,
        LoggingLevel.Error => "error"u8,
        LoggingLevel.Critical => "critical"u8,
        LoggingLevel.Alert => "alert"u8,
        LoggingLevel.Emergency => "emergency"u8,
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    /// <summary>The level's wire name.</summary>
    public static string ToWireName(this LoggingLevel level) => level switch
    {
        LoggingLevel.Debug => "debug",
        LoggingLevel.Info => "info",
        LoggingLevel.Notice => "notice",
        LoggingLevel.Warning => "warning",
        LoggingLevel.Error => "error",
        LoggingLevel.Critical => "critical",
        LoggingLevel.Alert => "alert",
        LoggingLevel.Emergency => "emergency",
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    /// <summary>Parses a wire name (exact, lowercase). Unknown names are refused (-32602, UT-18).</summary>
    public static bool TryParse([NotNullWhen(true)] string? name, out LoggingLevel level)
    {
        for (var l = LoggingLevel.Debug; l <= LoggingLevel.Emergency; l++)
        {
            if (string.Equals(name, l.ToWireName(), StringComparison.Ordinal))
            {
                level = l;
                return true;
            }
        }

        level = default;
        return false;
    }

    /// <summary>Parses a wire name given as UTF-8 (exact, lowercase), without allocating.</summary>
    public static bool TryParse(ReadOnlySpan<byte> name, out LoggingLevel level)
    {
        for (var l = LoggingLevel.Debug; l <= LoggingLevel.Emergency; l++)
        {
            if (name.SequenceEqual(l.ToUtf8()))
            {
                level = l;
                return true;
            }
        }

        level = default;
        return false;
    }

    /// <summary>Whether a message at <paramref name="level"/> passes a minimum of <paramref name="minimum"/>.</summary>
    public static bool IsAtLeast(this LoggingLevel level, LoggingLevel minimum) => level >= minimum;
}
