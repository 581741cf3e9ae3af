using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Mcp.Raw.Protocol;

/// <summary>Throw helpers kept out of line so callers stay small and inlinable.</summary>
[StackTraceHidden]
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowInvalidOperationException_AdvancedTooFar()
        => throw new InvalidOperationException(Strings.AdvancedTooFar);

    [DoesNotReturn]
    public static void ThrowArgumentException_InvalidSseField(string paramName, string what)
        => throw new ArgumentException(Strings.Format(Strings.InvalidSseField, what), paramName);

    [DoesNotReturn]
    public static void ThrowInvalidOperationException(string message)
        => throw new InvalidOperationException(message);

    [DoesNotReturn]
    public static void ThrowArgumentException(string message, string paramName)
        => throw new ArgumentException(message, paramName);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static FormatException CreateFormatException(string message) => new(message);
}
