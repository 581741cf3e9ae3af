using System.Text.Json;
using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Server;

/// <summary>Asking the client for input: elicitation, sampling, roots, in a 2025 session by a server-to-client request and in 2026-07-28 by an MRTR round (or through the task).</summary>
public sealed partial class McpContext
{
    /// <summary>Asks the user for input (<c>elicitation/create</c>; CL-05, CL-06).</summary>
    public async ValueTask<ElicitResult> ElicitAsync(ElicitRequestParams request, string? key = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var answer = await RequestInputAsync(key ?? NextKey("elicitation"), McpMethods.ElicitationCreate, JsonSerializer.SerializeToElement(request, McpJsonContext.Default.ElicitRequestParams)).ConfigureAwait(false);
        return Read(answer, McpJsonContext.Default.ElicitResult, "ElicitResult");
    }

    /// <summary>Asks the client's model for a completion (<c>sampling/createMessage</c>; CL-01).</summary>
    public async ValueTask<CreateMessageResult> SampleAsync(CreateMessageRequestParams request, string? key = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var answer = await RequestInputAsync(key ?? NextKey("sampling"), McpMethods.SamplingCreateMessage, JsonSerializer.SerializeToElement(request, McpJsonContext.Default.CreateMessageRequestParams)).ConfigureAwait(false);
        return Read(answer, McpJsonContext.Default.CreateMessageResult, "CreateMessageResult");
    }

    /// <summary>Asks the client for its roots (<c>roots/list</c>; CL-12).</summary>
    public async ValueTask<ListRootsResult> ListRootsAsync(string? key = null)
    {
        var answer = await RequestInputAsync(key ?? NextKey("roots"), McpMethods.RootsList, null).ConfigureAwait(false);
        return Read(answer, McpJsonContext.Default.ListRootsResult, "ListRootsResult");
    }

    /// <summary>
    /// Asks for several inputs at once; keys name the answers. In a 2025 session each becomes a server-to-client request
    /// on this request's stream; in 2026-07-28 they all go out in one <c>InputRequiredResult</c> round (M-MR-03).
    /// </summary>
    public async ValueTask<IReadOnlyDictionary<string, JsonElement>> RequestInputsAsync(IReadOnlyDictionary<string, InputRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        foreach (var request in requests.Values)
        {
            CheckCapability(request.Method, request.Params);
        }

        if (IsModern)
        {
            Dictionary<string, InputRequest>? missing = null;
            foreach (var (key, request) in requests)
            {
                if (_answers is null || !_answers.ContainsKey(key))
                {
                    (missing ??= new(StringComparer.Ordinal))[key] = request;
                }
            }

            if (missing is not null)
            {
                if (!await InTaskAsync().ConfigureAwait(false))
                {
                    throw new InputRequiredException(missing);
                }

                // A task waits: input_required until tasks/update has answered every request (T-19, T-20).
                var got = await _task!.RequestInputsAsync(missing).ConfigureAwait(false);
                var all = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var key in requests.Keys)
                {
                    all[key] = got.TryGetValue(key, out var value) ? value : Consume(key);
                }

                return all;
            }

            var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var key in requests.Keys)
            {
                result[key] = Consume(key);
            }

            return result;
        }

        var answers = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (key, request) in requests)
        {
            answers[key] = await SendServerRequestAsync(request.Method, request.Params).ConfigureAwait(false);
        }

        return answers;
    }

    internal IReadOnlyDictionary<string, JsonElement>? ConsumedAnswers => _consumed;

    private async ValueTask<JsonElement> RequestInputAsync(string key, string method, JsonElement? @params)
    {
        CheckCapability(method, @params);
        if (IsModern)
        {
            if (_answers is not null && _answers.ContainsKey(key))
            {
                return Consume(key);
            }

            if (await InTaskAsync().ConfigureAwait(false))
            {
                var single = new Dictionary<string, InputRequest>(StringComparer.Ordinal) { [key] = new InputRequest { Method = method, Params = @params } };
                return (await _task!.RequestInputsAsync(single).ConfigureAwait(false))[key];
            }

            throw new InputRequiredException(new Dictionary<string, InputRequest>(StringComparer.Ordinal) { [key] = new InputRequest { Method = method, Params = @params } });
        }

        return await SendServerRequestAsync(method, @params).ConfigureAwait(false);
    }

    private JsonElement Consume(string key)
    {
        var value = _answers![key];
        (_consumed ??= new(StringComparer.Ordinal))[key] = value;
        return value;
    }

    private string NextKey(string kind) => kind + "_" + (++_autoKey).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async ValueTask<JsonElement> SendServerRequestAsync(string method, JsonElement? @params)
    {
        if (Session is null)
        {
            throw new McpException(JsonRpcErrorCode.InternalError, $"{method} needs a server-to-client request, which a stateless server cannot send.");
        }

        if (!Session.ClientReady)
        {
            // LC-06: no requests to a client that has not sent notifications/initialized.
            throw new ClientNotReadyException(method);
        }

        var response = await Transport.SendRequestAsync(method, @params ?? s_emptyObject, McpJsonContext.Default.JsonElement, Cancellation).ConfigureAwait(false);
        if (response.Kind == JsonRpcMessageKind.ErrorResponse)
        {
            throw new McpException(response.ErrorCode, $"The client answered {method} with error {response.ErrorCode}: {response.ErrorMessage}");
        }

        var reader = response.CreateResultReader();
        return JsonElement.ParseValue(ref reader);
    }

    private void CheckCapability(string method, JsonElement? @params)
    {
        var caps = ClientCapabilities;
        switch (method)
        {
            case McpMethods.SamplingCreateMessage:
                if (caps?.Sampling is not { ValueKind: JsonValueKind.Object } sampling)
                {
                    throw new McpMissingCapabilityException("sampling");
                }

                if (@params is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty("tools", out _) && !sampling.TryGetProperty("tools", out _))
                {
                    throw new McpMissingCapabilityException("sampling");
                }

                break;
            case McpMethods.ElicitationCreate:
                if (caps?.Elicitation is not { ValueKind: JsonValueKind.Object } elicitation)
                {
                    throw new McpMissingCapabilityException("elicitation");
                }

                // CL-05: url mode only when declared; an empty object means form only.
                var isUrl = @params is { ValueKind: JsonValueKind.Object } ep && ep.TryGetProperty("mode", out var mode) && mode.ValueEquals("url"u8);
                var hasForm = elicitation.TryGetProperty("form", out _);
                var hasUrl = elicitation.TryGetProperty("url", out _);
                if (isUrl ? !hasUrl : (hasUrl && !hasForm))
                {
                    throw new McpMissingCapabilityException("elicitation");
                }

                break;
            case McpMethods.RootsList:
                if (caps?.Roots is null)
                {
                    throw new McpMissingCapabilityException("roots");
                }

                break;
            default:
                throw new ArgumentException($"'{method}' is not an input request method (elicitation/create, sampling/createMessage, roots/list).", nameof(method));
        }
    }

    private static T Read<T>(JsonElement answer, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, string what)
    {
        try
        {
            return answer.Deserialize(typeInfo) ?? throw new McpException(JsonRpcErrorCode.InvalidParams, $"The client's answer is not a valid {what}.");
        }
        catch (JsonException e)
        {
            throw new McpException(JsonRpcErrorCode.InvalidParams, $"The client's answer is not a valid {what}: {e.Message}");
        }
    }

    private static readonly JsonElement s_emptyObject = JsonDocument.Parse("{}").RootElement;
}

/// <summary>Thrown inside a 2026-07-28 handler when it needs input the request did not carry; becomes an InputRequiredResult.</summary>
internal sealed class InputRequiredException(Dictionary<string, InputRequest> requests) : Exception("Input required.")
{
    public Dictionary<string, InputRequest> Requests { get; } = requests;
}
