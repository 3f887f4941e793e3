using Microsoft.Extensions.Logging;

namespace ActorJobs.TestKit;

/// <summary>How a <see cref="TestKit"/> waits, which clock its actor system runs on, and what it logs.</summary>
public sealed record TestKitSettings
{
    /// <summary>The defaults: 3 s expectations, real time, 10 s to shut down, Information logs.</summary>
    public static TestKitSettings Default { get; } = new();

    /// <summary>
    /// How long an expectation (<c>ExpectMsg</c>, <c>ExpectNoMsg</c>, <c>AwaitAssert</c>, ...) waits when it names no
    /// timeout and runs outside a <c>Within</c> block (default 3 seconds). This is real time, also under virtual time:
    /// messages are produced by real threads.
    /// </summary>
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// When true, the actor system runs on a <see cref="TestScheduler"/> (exposed as <see cref="TestKit.Scheduler"/>):
    /// every actor timer, scheduled message, receive timeout and ask timeout waits for <see cref="TestScheduler.Advance"/>.
    /// Expectation timeouts stay in real time.
    /// </summary>
    public bool UseVirtualTime { get; init; }

    /// <summary>How long disposing the TestKit waits for its actor system to terminate before it fails the test (default 10 seconds).</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The lowest level of kernel log written to the test's output, when the TestKit has one (default Information).</summary>
    public LogLevel MinimumLogLevel { get; init; } = LogLevel.Information;

    internal void Validate()
    {
        RequireFinitePositive(DefaultTimeout, nameof(DefaultTimeout));
        RequireFinitePositive(ShutdownTimeout, nameof(ShutdownTimeout));
    }

    private static void RequireFinitePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero || value == Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive and finite: a test that can wait forever hangs instead of failing.");
        }
    }
}
