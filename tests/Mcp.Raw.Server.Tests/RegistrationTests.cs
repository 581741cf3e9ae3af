using Mcp.Raw.Transport;
using Mcp.Raw.Transport.Handling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Mcp.Raw.Server.Tests;

/// <summary>Registering the server twice composes; what cannot compose fails loudly, naming what is wrong.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class RegistrationTests
{
    private static McpServerTool Tool(string name) =>
        McpServerTool.Create(name, "test", """{"type":"object"}""", static _ => ValueTask.FromResult(McpResults.Text("ok")));

    [Test]
    public void TwoRegistrations_ServeTheToolsOfBoth_OnOneServer()
    {
        var services = new ServiceCollection().AddLogging();
        var first = services.AddMcpRawServer(o => o.PageSize = 7).Add(Tool("first"));
        var second = services.AddMcpRawServer(o => o.Instructions = "both").Add(Tool("second"));
        using var provider = services.BuildServiceProvider();

        second.Should().BeSameAs(first);
        var server = provider.GetRequiredService<McpServer>();
        provider.GetRequiredService<IMcpMessageHandler>().Should().BeSameAs(server);
        server.Tools.Items.Select(t => t.Name).Should().BeEquivalentTo("first", "second");
        server.Options.PageSize.Should().Be(7, "the first call's options still apply");
        server.Options.Instructions.Should().Be("both", "and so do the second call's");
        services.Count(d => d.ServiceType == typeof(McpServer)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(IMcpMessageHandler)).Should().Be(1);
    }

    [Test]
    public void TheSameToolNameTwice_FailsTheServersCreation_NamingTheTool()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddMcpRawServer().Add(Tool("twice"));
        services.AddMcpRawServer().Add(Tool("twice"));
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<McpServer>();
        act.Should().Throw<ArgumentException>().WithMessage("*'twice' is already registered*");
    }

    [Test]
    public void AHandlerRegisteredBefore_FailsTheRegistration_SayingWhy()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IMcpMessageHandler>(_ => throw new InvalidOperationException("never built"));

        var act = () => services.AddMcpRawServer();
        act.Should().Throw<InvalidOperationException>().WithMessage("*IMcpMessageHandler is already registered*");
    }

    [Test]
    public void OptionsThatCannotWork_FailValidation_NamingEachOption()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddMcpRawServer(o =>
        {
            o.PageSize = 0;
            o.RequestStateKey = new byte[16];
            o.CacheScope = "everyone";
            o.MaxListenStreams = 0;
            o.RequestStateLifetime = TimeSpan.Zero;
        });
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IOptions<McpServerOptions>>().Value;
        act.Should().Throw<OptionsValidationException>().Which.Message.Should()
            .Contain("PageSize").And.Contain("RequestStateKey").And.Contain("CacheScope")
            .And.Contain("MaxListenStreams").And.Contain("RequestStateLifetime");
    }

    [Test]
    public void DefaultOptions_PassValidation()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddMcpRawServer();
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IOptions<McpServerOptions>>().Value.PageSize.Should().Be(100);
    }
}
