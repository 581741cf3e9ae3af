namespace Mcp.Raw.Transport;

/// <summary>
/// Protects what a server hands a client to bring back (the MRTR <c>requestState</c>, M-MR-11) so that every process
/// of a deployment can open it: a shared, rotating key ring. A scale-out registers one (Mcp.Raw.Redis: ASP.NET Core
/// Data Protection with its keys in Redis). Without one the server signs with its own key.
/// </summary>
public interface IMcpStateProtector
{
    /// <summary>Protects (encrypts and authenticates) <paramref name="plaintext"/>.</summary>
    byte[] Protect(byte[] plaintext);

    /// <summary>The plaintext, or null when <paramref name="protectedData"/> was not protected with this deployment's keys (tampered, foreign, or its key revoked).</summary>
    byte[]? Unprotect(byte[] protectedData);
}
