namespace Mcp.Raw.Redis.Tests;

/// <summary>The rules every test of this project follows (<see cref="TestPolicy"/>).</summary>
[TestFixture]
[CancelAfter(10_000)]
public sealed class TestPolicyTests : TestPolicyFixture;
