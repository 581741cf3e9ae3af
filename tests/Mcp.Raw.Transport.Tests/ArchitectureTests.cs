using System.Reflection;
using System.Text.RegularExpressions;
using Mcp.Raw.Transport.Handling;

namespace Mcp.Raw.Transport.Tests;

/// <summary>
/// docs/architecture.md, checked: Mcp.Raw.Core needs no ASP.NET Core, the handler seam carries no HTTP type, and the
/// folders of each library depend on each other in one direction. A folder depends on another when it names a type
/// declared only there (read from the sources, comments and strings left out).
/// </summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed partial class ArchitectureTests
{
    /// <summary>
    /// The folder pairs that use each other, each with its reason in docs/architecture.md. Any other cycle fails.
    /// </summary>
    private static readonly string[] s_knownCycles =
    [
        // The one-pass reader matches MCP's method table, versions and log levels; MCP's model carries JSON-RPC ids.
        "Protocol: JsonRpc <-> Mcp",
        // The root is the public face: McpServer composes the handlers, which use McpContext and the exceptions.
        "Server: (root) <-> Dispatch",
        "Server: (root) <-> Features",
    ];

    [Test]
    public void CoreReferencesNoAspNetCoreAssembly()
    {
        var references = typeof(IMcpMessageHandler).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        typeof(IMcpMessageHandler).Assembly.GetName().Name.Should().Be("Mcp.Raw.Core");
        references.Should().NotContain(n => n!.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal), "the pipeline, the seam and stdio run without ASP.NET Core");
    }

    [Test]
    public void StdioLivesInCore()
    {
        typeof(Stdio.StdioServerTransport).Assembly.Should().BeSameAs(typeof(IMcpMessageHandler).Assembly);
    }

    [Test]
    public void TheHandlerSeamCarriesNoHttpType()
    {
        var flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;
        foreach (var type in new[] { typeof(McpNotificationContext), typeof(McpRequestContext), typeof(IMcpMessageHandler) })
        {
            var members = type.GetFields(flags).Select(f => f.FieldType)
                .Concat(type.GetProperties(flags).Select(p => p.PropertyType))
                .Concat(type.GetMethods(flags).SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType)))
                .Concat(type.GetConstructors(flags).SelectMany(c => c.GetParameters().Select(p => p.ParameterType)));
            members.Should().NotContain(t => (t.Namespace ?? string.Empty).StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal), type.Name + " is transport-neutral");
        }
    }

    [TestCase("Protocol")]
    [TestCase("Core")]
    [TestCase("Transport")]
    [TestCase("Server")]
    [TestCase("Client")]
    public void FoldersDependInOneDirection(string project)
    {
        var edges = FolderEdges(Path.Combine(RepositoryRoot(), "src", project));
        var found = string.Join("; ", edges.SelectMany(e => e.Value.Select(t => $"{e.Key} -> {t.Key} ({string.Join(", ", t.Value.Take(3))})")));

        // The known pairs are taken out, both ways; what is left must have no cycle at all, of two folders or more.
        foreach (var known in s_knownCycles.Where(k => k.StartsWith(project + ": ", StringComparison.Ordinal)))
        {
            var pair = known[(project.Length + 2)..].Split(" <-> ");
            edges[pair[0]].Remove(pair[1]).Should().BeTrue("the known cycle " + known + " still exists (else take it off the list)");
            edges[pair[1]].Remove(pair[0]).Should().BeTrue("the known cycle " + known + " still exists (else take it off the list)");
        }

        var cycles = edges.Keys.Select(start => FindCycle(edges, start)).OfType<List<string>>().Select(path => string.Join(" -> ", path)).ToList();
        cycles.Should().BeEmpty("folders depend in one direction (docs/architecture.md); found " + found);
    }

    /// <summary>A path start -> ... -> start, or null.</summary>
    private static List<string>? FindCycle(Dictionary<string, Dictionary<string, SortedSet<string>>> edges, string start)
    {
        var stack = new List<string> { start };
        var seen = new HashSet<string>();
        return Walk(start);

        List<string>? Walk(string at)
        {
            if (!edges.TryGetValue(at, out var next))
            {
                return null;
            }

            foreach (var to in next.Keys)
            {
                if (to == start)
                {
                    return [.. stack, start];
                }

                if (to != start && seen.Add(to))
                {
                    stack.Add(to);
                    if (Walk(to) is { } found)
                    {
                        return found;
                    }

                    stack.RemoveAt(stack.Count - 1);
                }
            }

            return null;
        }
    }

    /// <summary>folder -> folder it uses -> the types it names there; "(root)" for the project's own directory.</summary>
    private static Dictionary<string, Dictionary<string, SortedSet<string>>> FolderEdges(string projectDirectory)
    {
        var sources = Directory.EnumerateFiles(projectDirectory, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .ToDictionary(f => f, f => Strip(File.ReadAllText(f)));
        sources.Should().NotBeEmpty();

        string FolderOf(string file)
        {
            var relative = Path.GetRelativePath(projectDirectory, Path.GetDirectoryName(file)!);
            return relative == "." ? "(root)" : relative.Split(Path.DirectorySeparatorChar)[0];
        }

        var declaredIn = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (file, text) in sources)
        {
            foreach (Match m in Declaration().Matches(text))
            {
                var name = m.Groups["name"].Value;
                (declaredIn.TryGetValue(name, out var set) ? set : declaredIn[name] = []).Add(FolderOf(file));
            }
        }

        var edges = new Dictionary<string, Dictionary<string, SortedSet<string>>>(StringComparer.Ordinal);
        foreach (var (file, text) in sources)
        {
            var from = FolderOf(file);
            foreach (var name in Identifier().Matches(text).Select(m => m.Value).Distinct())
            {
                if (declaredIn.TryGetValue(name, out var folders) && folders.Count == 1 && folders.First() is var to && to != from)
                {
                    var targets = edges.TryGetValue(from, out var t) ? t : edges[from] = new(StringComparer.Ordinal);
                    (targets.TryGetValue(to, out var types) ? types : targets[to] = new(StringComparer.Ordinal)).Add(name);
                }
            }
        }

        return edges;
    }

    private static string Strip(string source) => StringLiteral().Replace(LineComment().Replace(source, string.Empty), "\"\"");

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Mcp.Raw.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Mcp.Raw.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"\b(?:class|struct|interface|enum|record)\s+(?:struct\s+|class\s+)?(?<name>[A-Z]\w*)|\bdelegate\s+\w+(?:<[^>]*>)?\s+(?<name>[A-Z]\w*)")]
    private static partial Regex Declaration();

    [GeneratedRegex(@"\b[A-Z]\w*\b")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex LineComment();

    [GeneratedRegex(@"""(?:[^""\\\n]|\\.)*""")]
    private static partial Regex StringLiteral();
}
