// Over 400 lines for now: the call command parses its arguments by hand (--arg, --auth, the transports and their
// flags); issue 14 moves the CLI to System.CommandLine, which takes that part out.
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mcp.Raw.Client;
using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Cli.Client;

/// <summary><c>mcp-raw call</c> and <c>mcp-raw tools</c>: the client commands.</summary>
internal static class CallCommand
{
    public const string Usage = """
        mcp-raw call URL TOOL [--arg key=value ...] [--json '{...}'] [options]
        mcp-raw call --stdio "COMMAND ARGS" TOOL [...]
            Call a tool; print each notification as it arrives (a live progress bar, one line per log message),
            then the result. Exit status 1 when the tool reports an error, 2 for a protocol or connection error.
        mcp-raw tools URL | --stdio "COMMAND ARGS"
            List the tools with their input schemas.

          --arg key=value     an argument (typed by the tool's input schema: numbers, booleans, JSON arrays/objects)
          --json '{...}'      all arguments as one JSON object (merged with --arg)
          --protocol VERSION  the version to try first (default 2026-07-28, falling back to 2025 and 2024-11-05)
          --timeout SECONDS   per-request limit (default 300)
          --root PATH         answer the server's roots/list with this directory (repeatable; without it the
                              client declares no roots capability and shares no paths)
          --auth              answer a 401 with the OAuth 2.1 flow: print the authorization URL, receive the code
                              on a loopback redirect (http://127.0.0.1:PORT/callback), send the token on every request
          --auth-port PORT    the loopback port of the redirect (default: a free one; fix it when the authorization
                              server wants a registered redirect URI)
          --client-id ID      a pre-registered client id (default: a client metadata document URL when given, else
                              dynamic client registration)
          --client-secret S   its secret, for a confidential client (or MCP_RAW_CLIENT_SECRET, which the process
                              list does not show)
          --client-metadata-url URL  this client's metadata document (Client ID Metadata Documents)

        Text from the server is printed with terminal control sequences removed.
        """;

    public static async Task<int> RunAsync(string[] args, bool listOnly)
    {
        string? url = null;
        string? stdio = null;
        string? tool = null;
        var arguments = new JsonObject();
        var options = new McpClientOptions { LogLevel = LoggingLevel.Info, ClientInfo = new Implementation { Name = "mcp-raw-cli", Version = typeof(CallCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0" } };
        var pairs = new List<(string Key, string Value)>();
        var roots = new List<Root>();
        var auth = false;
        var authPort = 0;
        var oauth = new McpOAuthOptions { ClientName = "mcp-raw-cli" };
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--stdio" when i + 1 < args.Length: stdio = args[++i]; break;
                    case "--root" when i + 1 < args.Length:
                        var path = Path.GetFullPath(args[++i]);
                        roots.Add(new Root { Uri = new Uri(Path.EndsInDirectorySeparator(path) ? path : path + Path.DirectorySeparatorChar).AbsoluteUri, Name = Path.GetFileName(path.TrimEnd(Path.DirectorySeparatorChar)) });
                        break;
                    case "--arg" when i + 1 < args.Length:
                        var pair = args[++i];
                        var eq = pair.IndexOf('=', StringComparison.Ordinal);
                        if (eq <= 0)
                        {
                            return Fail($"--arg needs key=value, got '{pair}'.");
                        }

                        pairs.Add((pair[..eq], pair[(eq + 1)..]));
                        break;
                    case "--json" when i + 1 < args.Length:
                        if (JsonNode.Parse(args[++i]) is not JsonObject json)
                        {
                            return Fail("--json needs a JSON object.");
                        }

                        foreach (var (key, value) in json)
                        {
                            arguments[key] = value?.DeepClone();
                        }

                        break;
                    case "--protocol" when i + 1 < args.Length:
                        if (!McpProtocolVersions.TryParse(args[++i], out var version))
                        {
                            return Fail($"Unknown protocol version '{args[i]}'.");
                        }

                        options.ProtocolVersion = version;
                        break;
                    case "--auth": auth = true; break;
                    case "--auth-port" when i + 1 < args.Length:
                        if (!int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out authPort) || authPort > 65535)
                        {
                            return Fail($"--auth-port needs a port number, got '{args[i]}'.");
                        }

                        auth = true;
                        break;
                    case "--client-id" when i + 1 < args.Length: oauth.ClientId = args[++i]; auth = true; break;
                    case "--client-secret" when i + 1 < args.Length: oauth.ClientSecret = args[++i]; auth = true; break;
                    case "--client-metadata-url" when i + 1 < args.Length:
                        if (!Uri.TryCreate(args[++i], UriKind.Absolute, out var cimd) || cimd.Scheme != "https")
                        {
                            return Fail($"--client-metadata-url needs an https URL, got '{args[i]}'.");
                        }

                        oauth.ClientMetadataDocumentUrl = cimd;
                        auth = true;
                        break;
                    case "--timeout" when i + 1 < args.Length:
                        options.RequestTimeout = TimeSpan.FromSeconds(double.Parse(args[++i], CultureInfo.InvariantCulture));
                        break;
                    case "-h" or "--help":
                        Console.WriteLine(Usage);
                        return 0;
                    default:
                        if (args[i].StartsWith("--", StringComparison.Ordinal))
                        {
                            return Fail($"Unknown or incomplete option '{args[i]}'.");
                        }

                        if (url is null && stdio is null)
                        {
                            url = args[i];
                        }
                        else if (tool is null)
                        {
                            tool = args[i];
                        }
                        else
                        {
                            return Fail($"Unexpected argument '{args[i]}'.");
                        }

                        break;
                }
            }
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return Fail(e.Message);
        }

        if (url is null && stdio is null)
        {
            return Fail("Give a server URL or --stdio \"COMMAND ARGS\".");
        }

        if (!listOnly && tool is null)
        {
            return Fail("Give the tool to call.");
        }

        var display = new NotificationDisplay();
        options.NotificationHandler = display.OnNotificationAsync;
        options.Warning = message => Console.Error.WriteLine("warning: " + message);
        options.TaskStatusHandler = ShowTaskStatus();
        options.ElicitationHandler = Elicit;
        if (roots.Count > 0)
        {
            // Only the directories given: the client shares no path it was not asked to.
            options.RootsHandler = _ => ValueTask.FromResult(new ListRootsResult { Roots = roots });
        }
        oauth.ClientSecret ??= Environment.GetEnvironmentVariable("MCP_RAW_CLIENT_SECRET") is { Length: > 0 } envSecret && oauth.ClientId is not null ? envSecret : null;
        LoopbackRedirectListener? redirect;
        try
        {
            redirect = auth && stdio is null ? LoopbackRedirectListener.Start(authPort) : null;
        }
        catch (System.Net.Sockets.SocketException e)
        {
            return Fail($"--auth-port {authPort}: {e.Message}");
        }

        using var listening = redirect;
        if (redirect is not null)
        {
            // The person's browser does the authorization; the code comes back to the loopback listener.
            oauth.RedirectUri = redirect.RedirectUri;
            oauth.Authorize = redirect.UserAgent(url => Console.Error.WriteLine($"authorize in a browser: {url}\n(waiting for the redirect to {redirect.RedirectUri})"));
            oauth.Log = m => Console.Error.WriteLine("oauth: " + TerminalText.Clean(m));
            options.OAuth = oauth;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        try
        {
            await using var client = stdio is not null
                ? await McpClient.ConnectStdioAsync(SplitCommand(stdio)[0], SplitCommand(stdio)[1..], options, cancel.Token)
                : await McpClient.ConnectAsync(new Uri(url!), options, cancellationToken: cancel.Token);
            await Console.Error.WriteLineAsync($"connected to {TerminalText.Clean(client.ServerInfo?.Name ?? "?")} {TerminalText.Clean(client.ServerInfo?.Version)} ({client.ProtocolVersion.ToVersionString()}, {client.Transport})");
            var tools = await client.ListToolsAsync(cancel.Token);
            if (listOnly)
            {
                foreach (var t in tools)
                {
                    Console.WriteLine(TerminalText.Clean($"{t.Name}: {t.Description}"));
                    Console.WriteLine("  input schema: " + JsonSerializer.Serialize(t.InputSchema, McpJsonContext.Default.JsonElement));
                }

                return 0;
            }

            var schema = tools.FirstOrDefault(t => t.Name == tool)?.InputSchema;
            foreach (var (key, value) in pairs)
            {
                arguments[key] = Coerce(schema, key, value);
            }

            var argumentsElement = JsonSerializer.SerializeToElement(arguments, CliJsonContext.Default.JsonObject);
            // A progress callback makes the call carry a progress token; the display shows the notifications.
            var result = await client.CallToolAsync(tool!, argumentsElement, static _ => ValueTask.CompletedTask, cancel.Token);
            display.Finish();
            var writer = result.IsError == true ? Console.Error : Console.Out;
            foreach (var block in result.Content)
            {
                await writer.WriteLineAsync(block switch
                {
                    TextContent text => TerminalText.Clean(text.Text),
                    ImageContent image => $"[image {TerminalText.Clean(image.MimeType)}, {image.Data.Length * 3 / 4} bytes]",
                    AudioContent audio => $"[audio {TerminalText.Clean(audio.MimeType)}, {audio.Data.Length * 3 / 4} bytes]",
                    EmbeddedResource resource => TerminalText.Clean($"[resource {resource.Resource.Uri}]" + (resource.Resource.Text is { } t ? "\n" + t : string.Empty)),
                    ResourceLink link => TerminalText.Clean($"[link {link.Uri}]"),
                    _ => JsonSerializer.Serialize(block, McpJsonContext.Default.ContentBlock),
                });
            }

            if (result.StructuredContent is { } structured && result.Content.Count == 0)
            {
                Console.WriteLine(TerminalText.Clean(structured.GetRawText()));
            }

            if (result.IsError == true)
            {
                await Console.Error.WriteLineAsync($"error: the tool '{tool}' reported an error.");
                return 1;
            }

            return 0;
        }
        catch (McpClientException e)
        {
            display.Finish();
            return Fail(e.Code == 0 ? e.Message : $"{e.Message} (JSON-RPC error {e.Code})");
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or InvalidOperationException or McpAuthorizationException)
        {
            display.Finish();
            return Fail(e.Message);
        }
        catch (OperationCanceledException)
        {
            display.Finish();
            return Fail("cancelled");
        }
    }

    /// <summary>A task's status as it changes (the tasks extension): one line per change, not one per poll.</summary>
    private static Action<McpTaskStatus> ShowTaskStatus()
    {
        string? last = null;
        return status =>
        {
            var line = $"[task {TerminalText.Clean(status.TaskId)}] {TerminalText.Clean(status.Status)}" + (status.StatusMessage is { } m ? ": " + TerminalText.Clean(m) : string.Empty);
            if (line != last)
            {
                last = line;
                Console.Error.WriteLine(line);
            }
        };
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine("mcp-raw: " + TerminalText.Clean(message));
        return 2;
    }

    /// <summary>Types a --arg value by the tool's schema: strings stay strings; other types parse as JSON.</summary>
    private static JsonNode? Coerce(JsonElement? schema, string key, string value)
    {
        var type = schema is { ValueKind: JsonValueKind.Object } s && s.TryGetProperty("properties", out var props) && props.ValueKind == JsonValueKind.Object
            && props.TryGetProperty(key, out var prop) && prop.ValueKind == JsonValueKind.Object && prop.TryGetProperty("type", out var t)
            ? t
            : default;
        var isString = type.ValueKind == JsonValueKind.String ? type.ValueEquals("string"u8)
            : type.ValueKind == JsonValueKind.Array && type.EnumerateArray().Any(v => v.ValueKind == JsonValueKind.String && v.ValueEquals("string"u8));
        if (isString)
        {
            return JsonValue.Create(value);
        }

        try
        {
            return JsonNode.Parse(value);
        }
        catch (JsonException)
        {
            return JsonValue.Create(value);
        }
    }

    private static string[] SplitCommand(string command)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        var quote = '\0';
        foreach (var c in command)
        {
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (current.Length > 0)
                {
                    parts.Add(current.ToString());
                    current.Clear();
                }
            }
            else
            {
                current.Append(c);
            }
        }

        if (current.Length > 0)
        {
            parts.Add(current.ToString());
        }

        return parts.Count > 0 ? [.. parts] : throw new FormatException("--stdio needs a command.");
    }

    /// <summary>Asks the user on the console, field by field; declines when there is no console to ask.</summary>
    private static ValueTask<ElicitResult> Elicit(ElicitRequestParams request, CancellationToken cancellationToken)
    {
        if (Console.IsInputRedirected || request.RequestedSchema is not { ValueKind: JsonValueKind.Object } schema || !schema.TryGetProperty("properties", out var properties))
        {
            Console.Error.WriteLine($"[elicitation] {TerminalText.Clean(request.Message)} (declined: no interactive console)");
            return ValueTask.FromResult(new ElicitResult { Action = ElicitActions.Decline });
        }

        Console.Error.WriteLine($"[elicitation] {TerminalText.Clean(request.Message)}");
        var content = new Dictionary<string, JsonElement>();
        foreach (var property in properties.EnumerateObject())
        {
            Console.Error.Write($"  {TerminalText.Clean(property.Name)}: ");
            var line = Console.ReadLine();
            if (line is null)
            {
                return ValueTask.FromResult(new ElicitResult { Action = ElicitActions.Cancel });
            }

            var node = Coerce(schema, property.Name, line);
            content[property.Name] = JsonSerializer.SerializeToElement(node, CliJsonContext.Default.JsonNode);
        }

        return ValueTask.FromResult(new ElicitResult { Action = ElicitActions.Accept, Content = content });
    }
}

/// <summary>Prints notifications as they arrive: a progress bar redrawn in place (or a line per update when not a terminal), one line per log message.</summary>
internal sealed class NotificationDisplay
{
    private readonly Lock _lock = new();
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private bool _barShown;

    public ValueTask OnNotificationAsync(McpNotification notification)
    {
        lock (_lock)
        {
            if (notification.AsProgress() is { } progress)
            {
                var (value, total, message) = progress;
                var line = total is > 0 ? $"{Bar(value / total.Value)} {value.ToString(CultureInfo.InvariantCulture)}/{total.Value.ToString(CultureInfo.InvariantCulture)}" : $"progress {value.ToString(CultureInfo.InvariantCulture)}";
                if (message is not null)
                {
                    line += " " + TerminalText.Clean(message).Replace('\n', ' ');
                }

                if (_interactive)
                {
                    Console.Error.Write("\r\u001b[2K" + line);
                    _barShown = true;
                }
                else
                {
                    Console.Error.WriteLine(line);
                }
            }
            else if (notification.AsLogMessage() is { } log)
            {
                ClearBar();
                Console.Error.WriteLine(TerminalText.Clean($"[{log.Level}]{(log.Logger is null ? string.Empty : " " + log.Logger + ":")} {log.Text}"));
            }
            else
            {
                ClearBar();
                Console.Error.WriteLine(TerminalText.Clean($"[{notification.Method}] {(notification.Params.ValueKind == JsonValueKind.Undefined ? string.Empty : notification.Params.GetRawText())}"));
            }
        }

        return ValueTask.CompletedTask;
    }

    public void Finish()
    {
        lock (_lock)
        {
            if (_barShown)
            {
                Console.Error.WriteLine();
                _barShown = false;
            }
        }
    }

    private void ClearBar()
    {
        if (_barShown)
        {
            Console.Error.Write("\r\u001b[2K");
        }
    }

    private static string Bar(double fraction)
    {
        const int width = 30;
        var filled = (int)Math.Round(Math.Clamp(fraction, 0, 1) * width);
        return "[" + new string('#', filled) + new string('-', width - filled) + "]";
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(JsonObject))]
[System.Text.Json.Serialization.JsonSerializable(typeof(JsonNode))]
internal sealed partial class CliJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
