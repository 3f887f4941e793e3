using ActorJobs.TestKit.Internal;

namespace ActorJobs.TestKit;

/// <summary>
/// Checks retried until they pass: for state that changes on other threads and sends no message when it does.
/// Prefer an expectation on a message when there is one; these re-check at an interval by contract.
/// </summary>
public abstract partial class TestKitBase
{
    /// <summary>How often AwaitAssert and AwaitCondition re-check when no interval is given (100 ms, as in Akka).</summary>
    public static readonly TimeSpan DefaultAwaitInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Runs <paramref name="assertion"/> until it does not throw, every <paramref name="interval"/>, for up to
    /// <paramref name="duration"/> (real time). The assertion runs on the calling thread.
    /// </summary>
    /// <param name="assertion">Throws while the expected state is not reached (xunit <c>Assert</c> calls, for example).</param>
    /// <param name="duration">How long to keep trying; null: the remaining time of the Within block, else the default timeout.</param>
    /// <param name="interval">The pause between tries; null: <see cref="DefaultAwaitInterval"/>.</param>
    /// <exception cref="TestKitAssertionException">It still threw when the time was up; the last exception is the inner exception.</exception>
    public void AwaitAssert(Action assertion, TimeSpan? duration = null, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        Block(AwaitAssertCoreAsync(() => Attempt(assertion), duration, interval, blocking: true, CancellationToken.None));
    }

    /// <inheritdoc cref="AwaitAssert(Action, TimeSpan?, TimeSpan?)"/>
    /// <param name="assertion">Throws while the expected state is not reached (xunit <c>Assert</c> calls, for example).</param>
    /// <param name="duration">How long to keep trying; null: the remaining time of the Within block, else the default timeout.</param>
    /// <param name="interval">The pause between tries; null: <see cref="DefaultAwaitInterval"/>.</param>
    /// <param name="cancellationToken">Stops the retries with <see cref="OperationCanceledException"/>.</param>
    public Task AwaitAssertAsync(Action assertion, TimeSpan? duration = null, TimeSpan? interval = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        return AwaitAssertCoreAsync(() => Attempt(assertion), duration, interval, blocking: false, cancellationToken);
    }

    /// <summary>As <see cref="AwaitAssertAsync(Action, TimeSpan?, TimeSpan?, CancellationToken)"/> for an assertion that awaits (a query, for example).</summary>
    /// <param name="assertion">Faults while the expected state is not reached.</param>
    /// <param name="duration">How long to keep trying; null: the remaining time of the Within block, else the default timeout.</param>
    /// <param name="interval">The pause between tries; null: <see cref="DefaultAwaitInterval"/>.</param>
    /// <param name="cancellationToken">Stops the retries with <see cref="OperationCanceledException"/>.</param>
    public Task AwaitAssertAsync(Func<Task> assertion, TimeSpan? duration = null, TimeSpan? interval = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        return AwaitAssertCoreAsync(() => AttemptAsync(assertion), duration, interval, blocking: false, cancellationToken);
    }

    /// <summary>
    /// Evaluates <paramref name="condition"/> until it is true, every <paramref name="interval"/>, for up to
    /// <paramref name="max"/> (real time). The condition runs on the calling thread; an exception from it ends the wait.
    /// </summary>
    /// <param name="condition">True once the expected state is reached.</param>
    /// <param name="max">How long to keep checking; null: the remaining time of the Within block, else the default timeout.</param>
    /// <param name="interval">The pause between checks; null: <see cref="DefaultAwaitInterval"/>.</param>
    /// <exception cref="TestKitAssertionException">It was still false when the time was up.</exception>
    public void AwaitCondition(Func<bool> condition, TimeSpan? max = null, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        Block(AwaitConditionCoreAsync(() => new ValueTask<bool>(condition()), max, interval, blocking: true, CancellationToken.None));
    }

    /// <inheritdoc cref="AwaitCondition(Func{bool}, TimeSpan?, TimeSpan?)"/>
    /// <param name="condition">True once the expected state is reached.</param>
    /// <param name="max">How long to keep checking; null: the remaining time of the Within block, else the default timeout.</param>
    /// <param name="interval">The pause between checks; null: <see cref="DefaultAwaitInterval"/>.</param>
    /// <param name="cancellationToken">Stops the checks with <see cref="OperationCanceledException"/>.</param>
    public Task AwaitConditionAsync(Func<bool> condition, TimeSpan? max = null, TimeSpan? interval = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return AwaitConditionCoreAsync(() => new ValueTask<bool>(condition()), max, interval, blocking: false, cancellationToken);
    }

    /// <summary>As <see cref="AwaitConditionAsync(Func{bool}, TimeSpan?, TimeSpan?, CancellationToken)"/> for a condition that awaits.</summary>
    /// <param name="condition">Completes with true once the expected state is reached.</param>
    /// <param name="max">How long to keep checking; null: the remaining time of the Within block, else the default timeout.</param>
    /// <param name="interval">The pause between checks; null: <see cref="DefaultAwaitInterval"/>.</param>
    /// <param name="cancellationToken">Stops the checks with <see cref="OperationCanceledException"/>.</param>
    public Task AwaitConditionAsync(Func<Task<bool>> condition, TimeSpan? max = null, TimeSpan? interval = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return AwaitConditionCoreAsync(() => new ValueTask<bool>(condition()), max, interval, blocking: false, cancellationToken);
    }

    private async Task AwaitAssertCoreAsync(Func<ValueTask<Exception?>> attempt, TimeSpan? duration, TimeSpan? interval, bool blocking, CancellationToken cancellationToken)
    {
        Exception? last = null;
        var unfinished = new TimeoutException("its last try had not finished when the time was up (on virtual time, does it wait for the clock to move?)");
        var (took, tries, passed) = await RetryAsync(
            async () =>
            {
                last = unfinished;
                return (last = await attempt().ConfigureAwait(false)) is null;
            },
            duration,
            "duration",
            interval,
            blocking,
            cancellationToken).ConfigureAwait(false);
        if (!passed)
        {
            throw new TestKitAssertionException(
                $"AwaitAssert: the assertion still failed after {MessageText.Ms(took)} and {tries} tries: {last!.Message}", last);
        }
    }

    private async Task AwaitConditionCoreAsync(Func<ValueTask<bool>> condition, TimeSpan? max, TimeSpan? interval, bool blocking, CancellationToken cancellationToken)
    {
        var (took, tries, passed) = await RetryAsync(condition, max, "max", interval, blocking, cancellationToken).ConfigureAwait(false);
        if (!passed)
        {
            throw new TestKitAssertionException(
                $"AwaitCondition: the condition was still false after {MessageText.Ms(took)} and {tries} checks.");
        }
    }

    /// <summary>
    /// Tries until <paramref name="attempt"/> returns true or the time is up, pausing <paramref name="interval"/> between
    /// tries. With <paramref name="blocking"/> the pause blocks the caller's thread, so a synchronous attempt keeps
    /// running on it and the whole loop completes synchronously.
    /// </summary>
    private async ValueTask<(TimeSpan Took, int Tries, bool Passed)> RetryAsync(
        Func<ValueTask<bool>> attempt,
        TimeSpan? max,
        string maxParameterName,
        TimeSpan? interval,
        bool blocking,
        CancellationToken cancellationToken)
    {
        var limit = ResolveTimeout(max, maxParameterName);
        var pause = interval ?? DefaultAwaitInterval;
        if (pause <= TimeSpan.Zero || pause == Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), pause, "The interval between tries must be positive and finite.");
        }
        var start = Now;
        var tries = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            tries++;
            var trying = attempt();
            bool passed;
            if (trying.IsCompleted)
            {
                passed = trying.GetAwaiter().GetResult();
            }
            else
            {
                // A try that never ends (a query that waits for a virtual clock nobody moves, say) must not hold the
                // test forever: it is waited for until the time is up, or the default timeout if that is later (a
                // slow query near the end still counts), and then left to finish or not on its own.
                var task = trying.AsTask();
                var bound = limit - Since(start);
                try
                {
                    passed = await task.WaitAsync(bound > TestKitSettings.DefaultTimeout ? bound : TestKitSettings.DefaultTimeout, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException) when (!task.IsCompleted)
                {
                    MarkExpectation(noMessage: false);
                    return (Since(start), tries, false);
                }
            }
            if (passed)
            {
                MarkExpectation(noMessage: false);
                return (Since(start), tries, true);
            }
            var left = limit - Since(start);
            if (left <= TimeSpan.Zero)
            {
                MarkExpectation(noMessage: false);
                return (Since(start), tries, false);
            }
            var wait = pause < left ? pause : left;
            if (blocking)
            {
                Thread.Sleep(wait); // the re-check interval is this method's contract; no message signals this state
            }
            else
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static ValueTask<Exception?> Attempt(Action assertion)
    {
        try
        {
            assertion();
            return new ValueTask<Exception?>((Exception?)null);
        }
        catch (Exception failure)
        {
            return new ValueTask<Exception?>(failure);
        }
    }

    private static async ValueTask<Exception?> AttemptAsync(Func<Task> assertion)
    {
        try
        {
            await assertion().ConfigureAwait(false);
            return null;
        }
        catch (Exception failure)
        {
            return failure;
        }
    }
}
