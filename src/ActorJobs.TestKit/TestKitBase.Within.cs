using ActorJobs.TestKit.Internal;

namespace ActorJobs.TestKit;

/// <summary>
/// Within blocks: bound how long a block takes, and give the expectations inside it the time that remains as their
/// default timeout, as in Akka.NET. Blocks nest; an inner block never outlasts the outer one. Each kit and each probe
/// has its own blocks: a probe's expectations do not see the Within of the kit that created it.
/// </summary>
public abstract partial class TestKitBase
{
    private readonly AsyncLocal<WithinScope?> _within = new();

    /// <summary>
    /// The time left in the innermost Within block (never negative). Expectations that name no timeout wait this long.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called outside a Within block.</exception>
    public TimeSpan Remaining => _within.Value?.Remaining
        ?? throw new InvalidOperationException("Remaining is only defined inside a Within block; outside one, use RemainingOrDefault.");

    /// <summary>The time left in the innermost Within block, or <see cref="TestKitSettings.DefaultTimeout"/> outside one.</summary>
    public TimeSpan RemainingOrDefault => _within.Value?.Remaining ?? TestKitSettings.DefaultTimeout;

    /// <summary>Runs <paramref name="action"/> and checks that it took at most <paramref name="max"/> (real time).</summary>
    /// <exception cref="TestKitAssertionException">The block took longer.</exception>
    public void Within(TimeSpan max, Action action) => Within(TimeSpan.Zero, max, action);

    /// <summary>
    /// Runs <paramref name="action"/> and checks that it took between <paramref name="min"/> and <paramref name="max"/>
    /// (real time). Inside it, expectations without a timeout wait only for the time remaining until <paramref name="max"/>.
    /// When the block's last expectation was <c>ExpectNoMsg</c>, which waits to the end by design, overrunning
    /// <paramref name="max"/> is not a failure.
    /// </summary>
    /// <exception cref="TestKitAssertionException">The block took less than <paramref name="min"/> or more than <paramref name="max"/>.</exception>
    public void Within(TimeSpan min, TimeSpan max, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var outer = _within.Value;
        var scope = OpenWithin(min, max, outer);
        _within.Value = scope;
        try
        {
            action();
        }
        finally
        {
            _within.Value = outer;
        }
        CloseWithin(scope);
    }

    /// <inheritdoc cref="Within(TimeSpan, Action)"/>
    public Task WithinAsync(TimeSpan max, Func<Task> action) => WithinAsync(TimeSpan.Zero, max, action);

    /// <inheritdoc cref="Within(TimeSpan, TimeSpan, Action)"/>
    public Task WithinAsync(TimeSpan min, TimeSpan max, Func<Task> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var scope = OpenWithin(min, max, _within.Value);
        return RunWithinAsync(scope, action);
    }

    private async Task RunWithinAsync(WithinScope scope, Func<Task> action)
    {
        // Set inside this async method, the scope flows into the action and is gone again for our caller.
        _within.Value = scope;
        await action().ConfigureAwait(false);
        CloseWithin(scope);
    }

    /// <summary>Records on the enclosing Within block whether the last expectation was ExpectNoMsg.</summary>
    private void MarkExpectation(bool noMessage)
    {
        if (_within.Value is { } scope)
        {
            scope.LastWasNoMessage = noMessage;
        }
    }

    private static WithinScope OpenWithin(TimeSpan min, TimeSpan max, WithinScope? outer)
    {
        if (min < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(min), min, "Within: the minimum must not be negative.");
        }
        if (max < TimeSpan.Zero || max == Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(max), max, "Within: the maximum must be zero or positive, and finite.");
        }
        if (min > max)
        {
            throw new ArgumentException($"Within: the minimum ({MessageText.Ms(min)}) is greater than the maximum ({MessageText.Ms(max)}).", nameof(min));
        }
        var bound = outer is not null && outer.Remaining < max ? outer.Remaining : max;
        return new WithinScope(Now, min, bound);
    }

    private static void CloseWithin(WithinScope scope)
    {
        var took = Since(scope.Start);
        if (took < scope.Min)
        {
            throw new TestKitAssertionException(
                $"Within: the block took {MessageText.Ms(took)}, but should have taken at least {MessageText.Ms(scope.Min)}.");
        }
        if (took > scope.Max && !scope.LastWasNoMessage)
        {
            throw new TestKitAssertionException(
                $"Within: the block took {MessageText.Ms(took)}, exceeding its maximum of {MessageText.Ms(scope.Max)}.");
        }
    }

    /// <summary>One Within block: when it started and its bounds (the maximum already capped by any outer block).</summary>
    private sealed class WithinScope(long start, TimeSpan min, TimeSpan max)
    {
        public long Start { get; } = start;

        public TimeSpan Min { get; } = min;

        public TimeSpan Max { get; } = max;

        // Mutable on purpose: an expectation running in a nested async method must be able to set it for the block.
        public bool LastWasNoMessage { get; set; }

        public TimeSpan Remaining
        {
            get
            {
                var left = Max - Since(Start);
                return left > TimeSpan.Zero ? left : TimeSpan.Zero;
            }
        }
    }
}
