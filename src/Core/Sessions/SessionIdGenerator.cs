using System.Buffers.Text;
using System.Security.Cryptography;

namespace Mcp.Raw.Transport.Sessions;

/// <summary>
/// Session ids: 16 random bytes (128 bits) from the OS CSPRNG, Base64Url-encoded, so only visible ASCII
/// (TR-49, TR-50, SEC-07). Session tags (used in event ids, which clients may log) are separate and carry no secret.
/// </summary>
internal static class SessionIdGenerator
{
    /// <summary>A new session id (22 characters).</summary>
    public static string NewSessionId() => Random(16);

    /// <summary>A new public session tag (8 characters).</summary>
    public static string NewTag() => Random(6);

    private static string Random(int bytes)
    {
        Span<byte> buffer = stackalloc byte[16];
        RandomNumberGenerator.Fill(buffer[..bytes]);
        return Base64Url.EncodeToString(buffer[..bytes]);
    }
}
