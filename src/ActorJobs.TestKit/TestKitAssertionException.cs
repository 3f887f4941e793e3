using Xunit.Sdk;

namespace ActorJobs.TestKit;

/// <summary>
/// Thrown when an expectation of the TestKit is not met: the wrong message arrived, nothing arrived in time, a
/// <c>Within</c> block ran too long or too short, or an awaited assertion kept failing. Its message says what was
/// expected and what happened instead. It derives from xunit's <see cref="XunitException"/>, so xunit reports it as
/// a test failure rather than an error.
/// </summary>
public sealed class TestKitAssertionException : XunitException
{
    /// <summary>Creates the exception with a generic message; prefer the constructors that say what went wrong.</summary>
    public TestKitAssertionException()
        : base("A TestKit expectation was not met.")
    {
    }

    /// <summary>Creates the exception with a message that says what was expected and what happened.</summary>
    public TestKitAssertionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure that caused it (e.g. the last failed assertion).</summary>
    public TestKitAssertionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
