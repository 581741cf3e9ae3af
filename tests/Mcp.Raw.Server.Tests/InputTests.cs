using System.Net;

namespace Mcp.Raw.Server.Tests;

/// <summary>
/// Input checks before any handler runs (issue 9, point 7): arguments against the tool's input schema, typed values
/// of initialize, explicit null params, bounded echoes, and the text a client sees of an unexpected exception.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class InputTests
{
    private DemoHost _host = null!;

    [SetUp]
    public async Task SetUp() => _host = await DemoHost.StartAsync();

    [TearDown]
    public async Task TearDown() => await _host.DisposeAsync();

    private async Task<Reply> CallAsync(string session, string version, string name, string arguments)
    {
        var body = "{\"jsonrpc\":\"2.0\",\"id\":" + _host.NextId() + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + name + "\",\"arguments\":" + arguments + "}}";
        return await _host.SendAsync(DemoHost.Post(body, session, version), HttpStatusCode.OK);
    }

    [TestCase("echo", "{\"text\":null}", "arguments.text must be a string, not null")]
    [TestCase("echo", "{\"text\":5}", "arguments.text must be a string, not a number")]
    [TestCase("echo", "{}", "arguments.text is required")]
    [TestCase("process_files", "{\"items\":null}", "arguments.items must be an array, not null")]
    [TestCase("process_files", "{\"items\":[1]}", "arguments.items[0] must be a string, not a number")]
    public async Task WrongArguments_AreAnIsErrorResult_From2025_11_25_SV10_MSV08(string tool, string arguments, string expected)
    {
        var session = await _host.InitializeAsync(version: "2025-11-25");
        var reply = await CallAsync(session, "2025-11-25", tool, arguments);
        ((bool?)reply.Result["isError"]).Should().BeTrue();
        Reply.Text(reply.Result).Should().Contain(expected).And.NotContain("System.").And.NotContain("Mcp.Raw");
    }

    [TestCase("2025-06-18")]
    [TestCase("2025-03-26")]
    public async Task WrongArguments_AreInvalidParams_InEarlierEras_SV09(string version)
    {
        var session = await _host.InitializeAsync(version: version);
        var reply = await CallAsync(session, version, "echo", "{\"text\":null}");
        ((int)reply.Error["code"]!).Should().Be(-32602);
        ((string)reply.Error["message"]!).Should().Contain("arguments.text must be a string");
    }

    [Test]
    public async Task ValidArguments_StillReachTheHandler_SV10()
    {
        var session = await _host.InitializeAsync(version: "2025-11-25");
        var reply = await CallAsync(session, "2025-11-25", "echo", "{\"text\":\"hi\"}");
        Reply.Text(reply.Result).Should().Be("hi");
    }

    [Test]
    public async Task Initialize_WithANonStringProtocolVersion_IsInvalidParams_LC02()
    {
        var reply = await _host.SendAsync(DemoHost.Post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":1,\"capabilities\":{},\"clientInfo\":{\"name\":\"c\",\"version\":\"1\"}}}"), HttpStatusCode.OK);
        ((int)reply.Error["code"]!).Should().Be(-32602);
        ((string)reply.Error["message"]!).Should().Contain("protocolVersion").And.NotContain("Mcp.Raw");
    }

    [TestCase("tools/call")]
    [TestCase("tools/list")]
    [TestCase("initialize")]
    [TestCase("ping")]
    public async Task ExplicitNullParams_AreInvalidParams_NeverInternalError_JR10(string method)
    {
        var session = await _host.InitializeAsync(version: "2025-11-25");
        using var request = DemoHost.Post("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"" + method + "\",\"params\":null}", method == "initialize" ? null : session, "2025-11-25");
        using var response = await _host.Client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var reply = await Reply.ReadAsync(response);
        ((int)reply.Error["code"]!).Should().Be(-32602);
    }

    [Test]
    public async Task ErrorMessages_EchoClientNamesCut_AndCarryNoChecklistIds_JR07()
    {
        var session = await _host.InitializeAsync(version: "2025-11-25");
        var longName = new string('n', 5000);
        var body = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"" + longName + "\",\"arguments\":{}}}";
        var reply = await _host.SendAsync(DemoHost.Post(body, session, "2025-11-25"), HttpStatusCode.OK);
        var message = (string)reply.Error["message"]!;
        message.Length.Should().BeLessThan(200);
        message.Should().NotMatchRegex(@"\((SV|UT|LC|CL|TR|JR)-\d+\)");
    }
}
