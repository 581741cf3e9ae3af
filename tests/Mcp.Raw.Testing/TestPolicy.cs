using System.Reflection;
using NUnit.Framework;

namespace Mcp.Raw.Testing;

/// <summary>
/// The rules every test follows, checked over a test assembly by one test in each project: every test has a time
/// limit (<c>[CancelAfter]</c> on its fixture or on itself), so a hang fails that test with its name.
/// </summary>
public static class TestPolicy
{
    /// <summary>The tests of <paramref name="assembly"/> with no time limit, as <c>Fixture.Test</c>.</summary>
    public static IReadOnlyList<string> TestsWithoutTimeLimit(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var missing = new List<string>();
        foreach (var type in assembly.GetTypes())
        {
            var fixtureLimited = type.GetCustomAttributes<CancelAfterAttribute>(inherit: true).Any();
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                var isTest = method.IsDefined(typeof(TestAttribute)) || method.IsDefined(typeof(TestCaseAttribute)) || method.IsDefined(typeof(TestCaseSourceAttribute));
                if (isTest && !fixtureLimited && !method.IsDefined(typeof(CancelAfterAttribute)))
                {
                    missing.Add(type.Name + "." + method.Name);
                }
            }
        }

        return missing;
    }
}

/// <summary>
/// The policy's check for one test project: derive a fixture from it in the project (with its own
/// <c>[CancelAfter]</c>), and the project's tests are checked.
/// </summary>
public abstract class TestPolicyFixture
{
    /// <summary>Every test of the deriving fixture's assembly has a time limit.</summary>
    [Test]
    public void EveryTestHasATimeLimit()
    {
        var missing = TestPolicy.TestsWithoutTimeLimit(GetType().Assembly);
        Assert.That(missing, Is.Empty, "a test without [CancelAfter] on it or its fixture can hang the run: " + string.Join(", ", missing));
    }
}
