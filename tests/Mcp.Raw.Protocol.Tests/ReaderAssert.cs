using System.Buffers;
using System.Text;
using Mcp.Raw.Protocol.JsonRpc;

namespace Mcp.Raw.Protocol.Tests;

/// <summary>Runs a reader check against the input whole, split at every byte position, and one byte per segment.</summary>
internal static class ReaderAssert
{
    public static void ForAllShapes(string json, Action<JsonRpcPayload, string> check, JsonRpcReaderOptions? options = null)
        => ForAllShapes(Encoding.UTF8.GetBytes(json), check, options);

    public static void ForAllShapes(byte[] bytes, Action<JsonRpcPayload, string> check, JsonRpcReaderOptions? options = null)
    {
        foreach (var (name, sequence) in Segments.AllShapes(bytes))
        {
            var payload = JsonRpcReader.Read(sequence, options);
            check(payload, name);
        }
    }

    /// <summary>Reads a single valid message in every shape and checks it.</summary>
    public static void Message(string json, Action<JsonRpcMessage> check)
        => ForAllShapes(json, (payload, shape) =>
        {
            payload.HasBodyError.Should().BeFalse($"{shape}: {(payload.HasBodyError ? payload.BodyError.Message : "")}");
            payload.IsBatch.Should().BeFalse(shape);
            var result = payload.Single;
            result.IsValid.Should().BeTrue($"{shape}: {result.Error.Message}");
            check(result.Message);
        });

    /// <summary>Reads input that must be refused (as a body or as its single message) with the given code, in every shape.</summary>
    public static void Refused(byte[] bytes, int expectedCode, JsonRpcReaderOptions? options = null, Action<JsonRpcReadError>? check = null)
        => ForAllShapes(bytes, (payload, shape) =>
        {
            JsonRpcReadError error;
            if (payload.HasBodyError)
            {
                error = payload.BodyError;
            }
            else
            {
                payload.IsBatch.Should().BeFalse($"{shape}: a batch should have been refused whole");
                payload.Single.IsValid.Should().BeFalse(shape);
                error = payload.Single.Error;
            }

            error.Code.Should().Be(expectedCode, $"{shape}: {error.Message}");
            error.Message.Should().NotBeNullOrWhiteSpace();
            check?.Invoke(error);
        }, options);

    public static string Utf8(ReadOnlySequence<byte> bytes) => Encoding.UTF8.GetString(bytes.ToArray());
}
