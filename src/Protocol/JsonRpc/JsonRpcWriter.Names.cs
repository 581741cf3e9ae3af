using System.Text.Json;

namespace Mcp.Raw.Protocol.JsonRpc;

public sealed partial class JsonRpcWriter
{
    /// <summary>
    /// The names and constant values this writer emits, encoded once: a <see cref="JsonEncodedText"/> is written as is,
    /// where a UTF-8 span would be searched for characters to escape on every message.
    /// </summary>
    private static class Names
    {
        public static readonly JsonEncodedText Code = JsonEncodedText.Encode(JsonRpcNames.Code);

        public static readonly JsonEncodedText Data = JsonEncodedText.Encode(JsonRpcNames.Data);

        public static readonly JsonEncodedText Error = JsonEncodedText.Encode(JsonRpcNames.Error);

        public static readonly JsonEncodedText Id = JsonEncodedText.Encode(JsonRpcNames.Id);

        public static readonly JsonEncodedText JsonRpc = JsonEncodedText.Encode(JsonRpcNames.JsonRpc);

        public static readonly JsonEncodedText Level = JsonEncodedText.Encode(JsonRpcNames.Level);

        public static readonly JsonEncodedText Logger = JsonEncodedText.Encode(JsonRpcNames.Logger);

        public static readonly JsonEncodedText Message = JsonEncodedText.Encode(JsonRpcNames.Message);

        public static readonly JsonEncodedText Method = JsonEncodedText.Encode(JsonRpcNames.Method);

        public static readonly JsonEncodedText Params = JsonEncodedText.Encode(JsonRpcNames.Params);

        public static readonly JsonEncodedText Progress = JsonEncodedText.Encode(JsonRpcNames.Progress);

        public static readonly JsonEncodedText ProgressToken = JsonEncodedText.Encode(JsonRpcNames.ProgressToken);

        public static readonly JsonEncodedText Reason = JsonEncodedText.Encode(JsonRpcNames.Reason);

        public static readonly JsonEncodedText RequestId = JsonEncodedText.Encode(JsonRpcNames.RequestId);

        public static readonly JsonEncodedText Result = JsonEncodedText.Encode(JsonRpcNames.Result);

        public static readonly JsonEncodedText Total = JsonEncodedText.Encode(JsonRpcNames.Total);

        public static readonly JsonEncodedText Version = JsonEncodedText.Encode(JsonRpcNames.Version);

        public static readonly JsonEncodedText NotificationsProgress = JsonEncodedText.Encode("notifications/progress"u8);

        public static readonly JsonEncodedText NotificationsMessage = JsonEncodedText.Encode("notifications/message"u8);

        public static readonly JsonEncodedText NotificationsCancelled = JsonEncodedText.Encode("notifications/cancelled"u8);
    }
}
