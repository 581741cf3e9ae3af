using Mcp.Raw.Protocol.JsonRpc;
using Mcp.Raw.Protocol.Mcp;

namespace Mcp.Raw.Protocol.Tests;

[TestFixture]
[CancelAfter(60_000)]
public sealed class McpProtocolVersionsTests
{
    [TestCase(McpProtocolVersion.V2024_11_05, "2024-11-05")]
    [TestCase(McpProtocolVersion.V2025_03_26, "2025-03-26")]
    [TestCase(McpProtocolVersion.V2025_06_18, "2025-06-18")]
    [TestCase(McpProtocolVersion.V2025_11_25, "2025-11-25")]
    [TestCase(McpProtocolVersion.V2026_07_28, "2026-07-28")]
    public void ParseAndFormat_RoundTrip(McpProtocolVersion version, string text)
    {
        version.ToVersionString().Should().Be(text);
        McpProtocolVersions.TryParse(text, out var parsed).Should().BeTrue();
        parsed.Should().Be(version);
        McpProtocolVersions.TryParse(System.Text.Encoding.UTF8.GetBytes(text), out parsed).Should().BeTrue();
        parsed.Should().Be(version);
    }

    [TestCase("2025-11-26")]
    [TestCase("2025-11-25 ")]
    [TestCase("2025/11/25")]
    [TestCase("")]
    [TestCase("1.0.0")]
    [TestCase("２０２５-11-25")]
    public void TryParse_UnknownOrMalformed_IsFalse(string text)
        => McpProtocolVersions.TryParse(text, out _).Should().BeFalse();

    // Table 1.3 of the checklist: batching only in 2025-03-26 (JR-12, JR-14).
    [TestCase(McpProtocolVersion.V2024_11_05, false)]
    [TestCase(McpProtocolVersion.V2025_03_26, true)]
    [TestCase(McpProtocolVersion.V2025_06_18, false)]
    [TestCase(McpProtocolVersion.V2025_11_25, false)]
    [TestCase(McpProtocolVersion.V2026_07_28, false)]
    public void Batching_OnlyIn20250326_JR12_JR14(McpProtocolVersion v, bool expected)
        => v.Supports(McpFeatures.Batching).Should().Be(expected);

    // Priming events only from 2025-11-25 on, and not in the modern era (TR-16, M-TR-18, M-TR-19).
    [TestCase(McpProtocolVersion.V2025_03_26, false)]
    [TestCase(McpProtocolVersion.V2025_06_18, false)]
    [TestCase(McpProtocolVersion.V2025_11_25, true)]
    [TestCase(McpProtocolVersion.V2026_07_28, false)]
    public void PrimingEvents_TR16_MTR18(McpProtocolVersion v, bool expected)
        => v.Supports(McpFeatures.PrimingEvents).Should().Be(expected);

    [Test]
    public void ProtocolVersionHeader_From20250618_TR61()
    {
        McpProtocolVersion.V2025_03_26.Supports(McpFeatures.ProtocolVersionHeader).Should().BeFalse();
        McpProtocolVersion.V2025_06_18.Supports(McpFeatures.ProtocolVersionHeader).Should().BeTrue();
        McpProtocolVersions.DefaultWithoutHeader.Should().Be(McpProtocolVersion.V2025_03_26);
    }

    [Test]
    public void ModernEra_Features_MVR01()
    {
        var modern = McpProtocolVersion.V2026_07_28;
        modern.IsModern().Should().BeTrue();
        modern.Supports(McpFeatures.MetaEnvelope | McpFeatures.MultiRoundTrip | McpFeatures.SubscriptionsListen
            | McpFeatures.HeaderMirroring | McpFeatures.ResultType | McpFeatures.CacheHints | McpFeatures.Discover
            | McpFeatures.CancelOnStreamClose).Should().BeTrue();
        modern.Supports(McpFeatures.Sessions).Should().BeFalse();
        modern.Supports(McpFeatures.Resumability).Should().BeFalse();
        modern.Supports(McpFeatures.ServerToClientRequests).Should().BeFalse("M-MR-01");
        modern.Supports(McpFeatures.SessionUtilities).Should().BeFalse("M-SV-14");
        modern.Supports(McpFeatures.ResourceNotFoundCode32002).Should().BeFalse("M-SV-11");
        McpProtocolVersion.V2025_11_25.IsModern().Should().BeFalse();
        McpProtocolVersion.V2025_11_25.Supports(McpFeatures.ResourceNotFoundCode32002).Should().BeTrue();
    }

    [Test]
    public void StructuredOutputAndElicitation_From20250618()
    {
        McpProtocolVersion.V2025_03_26.Supports(McpFeatures.StructuredToolOutput).Should().BeFalse();
        McpProtocolVersion.V2025_06_18.Supports(McpFeatures.StructuredToolOutput | McpFeatures.Elicitation).Should().BeTrue();
        McpProtocolVersion.V2025_06_18.Supports(McpFeatures.UrlElicitation).Should().BeFalse();
        McpProtocolVersion.V2025_11_25.Supports(McpFeatures.UrlElicitation).Should().BeTrue();
        McpProtocolVersion.V2024_11_05.Supports(McpFeatures.HttpSse2024Transport).Should().BeTrue();
        McpProtocolVersion.V2024_11_05.Supports(McpFeatures.AudioAndAnnotations).Should().BeFalse();
    }

    [Test]
    public void Supports_None_IsFalse()
        => McpProtocolVersion.V2026_07_28.Supports(McpFeatures.None).Should().BeFalse();

    // Modern claim: date-like and at or after 2026-07-28 by ordinal compare, known or not (M-VR-08, M-VR-24).
    [TestCase("2026-07-28", true)]
    [TestCase("2027-01-01", true)]
    [TestCase("2099-12-31", true)]
    [TestCase("2025-11-25", false)]
    [TestCase("2026-07-27", false)]
    [TestCase("v999.0.0", false)]
    [TestCase("2026-7-28", false)]
    [TestCase("2026-07-28x", false)]
    [TestCase("", false)]
    public void IsModernClaim_MVR24(string text, bool expected)
        => McpProtocolVersions.IsModernClaim(text).Should().Be(expected);

    [Test]
    public void All_IsOrderedOldestFirst()
        => McpProtocolVersions.All.Should().BeInAscendingOrder().And.HaveCount(5);
}

[TestFixture]
[CancelAfter(60_000)]
public sealed class McpBatchRulesTests
{
    private static JsonRpcPayload Read(string json) => JsonRpcReader.Read(System.Text.Encoding.UTF8.GetBytes(json));

    [Test]
    public void Batch_AllowedOnlyIn20250326_JR12_JR14()
    {
        var batch = Read("""[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/initialized"}]""");
        McpBatchRules.IsAllowed(batch, McpProtocolVersion.V2025_03_26, out _).Should().BeTrue();
        McpBatchRules.IsAllowed(batch, McpProtocolVersion.V2025_06_18, out var reason).Should().BeFalse();
        reason.Should().Contain("batches");
        McpBatchRules.IsAllowed(batch, McpProtocolVersion.V2026_07_28, out _).Should().BeFalse();
    }

    [Test]
    public void Batch_NeverHoldsInitialize_JR13()
    {
        var batch = Read("""[{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}]""");
        McpBatchRules.IsAllowed(batch, McpProtocolVersion.V2025_03_26, out var reason).Should().BeFalse();
        reason.Should().Contain("initialize");
    }

    [Test]
    public void Batch_WithModernEnvelope_IsRefused_MTR03()
    {
        var batch = Read("""[{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}]""");
        McpBatchRules.IsAllowed(batch, McpProtocolVersion.V2025_03_26, out _).Should().BeFalse();
    }

    [Test]
    public void SingleMessage_IsAlwaysAllowed()
        => McpBatchRules.IsAllowed(Read("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"""), McpProtocolVersion.V2025_11_25, out _).Should().BeTrue();
}
