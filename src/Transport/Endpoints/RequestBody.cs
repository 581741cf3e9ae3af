using System.IO.Pipelines;
using Mcp.Raw.Transport.Http;
using Microsoft.AspNetCore.Http;

namespace Mcp.Raw.Transport.Endpoints;

/// <summary>The checks and the read shared by every POST path: JSON content type (TR-09), size limit (413), whole body.</summary>
internal static class RequestBody
{
    /// <summary>
    /// Reads the whole body from the request <see cref="PipeReader"/>, refusing a wrong content type (415) and a body
    /// over <paramref name="maxBytes"/> before reading past the limit (413). Returns null when refused or when the
    /// client left; otherwise the caller owns the buffer until it calls <c>AdvanceTo(result.Buffer.End)</c>.
    /// </summary>
    public static async ValueTask<ReadResult?> ReadAsync(HttpContext http, long maxBytes)
    {
        if (!ContentNegotiation.IsJsonContentType(http.Request.ContentType))
        {
            await ErrorResponses.WriteAsync(http, RejectionReason.UnsupportedMediaType).ConfigureAwait(false);
            return null;
        }

        if (http.Request.ContentLength > maxBytes)
        {
            await ErrorResponses.WriteAsync(http, RejectionReason.BodyTooLarge).ConfigureAwait(false);
            return null;
        }

        var reader = http.Request.BodyReader;
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync(http.RequestAborted).ConfigureAwait(false);
                if (read.Buffer.Length > maxBytes)
                {
                    reader.AdvanceTo(read.Buffer.End);
                    await ErrorResponses.WriteAsync(http, RejectionReason.BodyTooLarge).ConfigureAwait(false);
                    return null;
                }

                if (read.IsCompleted || read.IsCanceled)
                {
                    return read;
                }

                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or BadHttpRequestException)
        {
            // The client left, or Kestrel refused the body (it answers that itself).
            return null;
        }
    }
}
