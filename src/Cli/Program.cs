using System.Buffers;
using System.Reflection;
using Mcp.Raw.Protocol.JsonRpc;

namespace Mcp.Raw.Cli;

/// <summary>The <c>mcp-raw</c> command.</summary>
internal static class Program
{
    private const string Usage = """
        mcp-raw: a high-performance Model Context Protocol implementation for .NET.

        Usage:
          mcp-raw serve [options]  Run the demo MCP server at http://127.0.0.1:8000/mcp (see 'mcp-raw serve --help').
          mcp-raw call URL TOOL [--arg k=v ...] [--json '{...}']
                                 Call a tool, showing notifications live (see 'mcp-raw call --help').
          mcp-raw tools URL        List a server's tools with their input schemas.
          mcp-raw check [FILE]   Read one JSON-RPC body (FILE or standard input) with the Mcp.Raw reader and
                                 print what it is, or the JSON-RPC error it would be answered with.
          mcp-raw --version      Print the version.
          mcp-raw --help         Print this help.
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        switch (args[0])
        {
            case "--version":
                Console.WriteLine(typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0");
                return 0;
            case "serve":
                return await Serve.ServeCommand.RunAsync(args[1..]).ConfigureAwait(false);
            case "call":
                return await Client.CallCommand.RunAsync(args[1..], listOnly: false).ConfigureAwait(false);
            case "conformance-client":
                return await Client.ConformanceClientCommand.RunAsync(args[1..]).ConfigureAwait(false);
            case "tools":
                return await Client.CallCommand.RunAsync(args[1..], listOnly: true).ConfigureAwait(false);
            case "check":
                return await CheckAsync(args.Length > 1 ? args[1] : null).ConfigureAwait(false);
            default:
                await Console.Error.WriteLineAsync($"mcp-raw: unknown command '{args[0]}'. Run 'mcp-raw --help'.").ConfigureAwait(false);
                return 2;
        }
    }

    private static async Task<int> CheckAsync(string? path)
    {
        byte[] body;
        if (path is null)
        {
            using var stdin = Console.OpenStandardInput();
            using var copy = new MemoryStream();
            await stdin.CopyToAsync(copy).ConfigureAwait(false);
            body = copy.ToArray();
        }
        else
        {
            body = await File.ReadAllBytesAsync(path).ConfigureAwait(false);
        }

        var payload = JsonRpcReader.Read(new ReadOnlySequence<byte>(body));
        if (payload.HasBodyError)
        {
            Console.WriteLine($"error {payload.BodyError.Code}: {payload.BodyError.Message}");
            return 1;
        }

        var invalid = 0;
        for (var i = 0; i < payload.Count; i++)
        {
            var item = payload[i];
            var prefix = payload.IsBatch ? $"[{i}] " : string.Empty;
            if (item.IsValid)
            {
                var m = item.Message;
                Console.WriteLine($"{prefix}{m.Kind} {m.MethodName ?? string.Empty} id={(m.Id.IsNone ? "none" : m.Id.Kind + ":" + m.Id)}".TrimEnd());
            }
            else
            {
                invalid++;
                var id = item.Error.Id.IsNone ? "null" : item.Error.Id.ToString();
                Console.WriteLine($"{prefix}error {item.Error.Code} (id {id}): {item.Error.Message}");
            }
        }

        return invalid == 0 ? 0 : 1;
    }
}
