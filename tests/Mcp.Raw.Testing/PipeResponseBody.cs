using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace Mcp.Raw.Testing;

/// <summary>
/// A response body that is a pipe, as Kestrel's is: a <c>DefaultHttpContext</c> given this feature writes its
/// response into <see cref="Writer"/>, and the reader of the pipe sees the bytes as a client would. Shared by the
/// transport tests and, as a linked source file, the benchmarks (which reference no test project).
/// </summary>
public sealed class PipeResponseBody(PipeWriter writer) : IHttpResponseBodyFeature
{
    /// <inheritdoc/>
    public Stream Stream => throw new NotSupportedException();

    /// <inheritdoc/>
    public PipeWriter Writer => writer;

    /// <inheritdoc/>
    public void DisableBuffering()
    {
    }

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    /// <inheritdoc/>
    public Task CompleteAsync() => writer.CompleteAsync().AsTask();
}
