using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorJobs.Actors;

/// <summary>Settings of an <see cref="ActorSystem"/>. Immutable; validated when the system is created.</summary>
public sealed record ActorSystemSettings
{
    /// <summary>The defaults.</summary>
    public static ActorSystemSettings Default { get; } = new();

    /// <summary>
    /// Messages an actor processes per turn on a thread before it yields to others (default 30, as in Akka.NET).
    /// Higher favors throughput, lower favors fairness between actors.
    /// </summary>
    public int Throughput { get; init; } = 30;

    /// <summary>The timeout of an <c>Ask</c> that names none (default 30 seconds).</summary>
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The one clock of the system: every timer, scheduled message, receive timeout and ask timeout runs on it.
    /// The TestKit swaps in a virtual clock.
    /// </summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the kernel logs failures, restarts and dead letters.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>How many dead letters are logged at Information level before the rest go to Debug (they are always counted and published).</summary>
    public int DeadLettersLoggedAtInformation { get; init; } = 10;

    internal void Validate()
    {
        if (Throughput < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Throughput), Throughput, "Throughput must be at least 1 message per turn.");
        }
        if (AskTimeout <= TimeSpan.Zero && AskTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(AskTimeout), AskTimeout, "AskTimeout must be positive or infinite.");
        }
        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentNullException.ThrowIfNull(LoggerFactory);
    }
}
