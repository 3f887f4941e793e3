using ActorJobs.Actors;
using ActorJobs.TestKit.Internal;

namespace ActorJobs.TestKit;

/// <summary>Expectations on the messages <see cref="TestKitBase.TestActor"/> receives, in the order they arrived.</summary>
public abstract partial class TestKitBase
{
    /// <summary>Takes the next message and checks that it is a <typeparamref name="T"/>.</summary>
    /// <param name="timeout">How long to wait (real time); null: the remaining time of the Within block, else the default timeout.</param>
    /// <returns>The message.</returns>
    /// <exception cref="TestKitAssertionException">No message arrived in time, or it is not a <typeparamref name="T"/>.</exception>
    public T ExpectMsg<T>(TimeSpan? timeout = null) => Block(ExpectMsgAsync<T>(timeout));

    /// <inheritdoc cref="ExpectMsg{T}(TimeSpan?)"/>
    /// <param name="timeout">How long to wait (real time); null: the remaining time of the Within block, else the default timeout.</param>
    /// <param name="cancellationToken">Stops the wait with <see cref="OperationCanceledException"/>.</param>
    public Task<T> ExpectMsgAsync<T>(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        ExpectCoreAsync<T>("ExpectMsg", $"a message of type {MessageText.TypeName(typeof(T))}", timeout, check: null, cancellationToken);

    /// <summary>Takes the next message and checks that it equals <paramref name="expected"/> (by <see cref="object.Equals(object)"/>).</summary>
    /// <returns>The message.</returns>
    /// <exception cref="TestKitAssertionException">No message arrived in time, or it is not equal to <paramref name="expected"/>.</exception>
    public T ExpectMsg<T>(T expected, TimeSpan? timeout = null) => Block(ExpectMsgAsync(expected, timeout));

    /// <inheritdoc cref="ExpectMsg{T}(T, TimeSpan?)"/>
    public Task<T> ExpectMsgAsync<T>(T expected, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expected);
        return ExpectCoreAsync<T>(
            "ExpectMsg",
            MessageText.Describe(expected),
            timeout,
            (actual, received) => EqualityComparer<T>.Default.Equals(expected, actual)
                ? null
                : new TestKitAssertionException($"ExpectMsg: expected {MessageText.Describe(expected)}, but received {Describe(received)}."),
            cancellationToken);
    }

    /// <summary>Takes the next message and checks that it is a <typeparamref name="T"/> for which <paramref name="isExpected"/> is true.</summary>
    /// <returns>The message.</returns>
    /// <exception cref="TestKitAssertionException">No message arrived in time, it is not a <typeparamref name="T"/>, or it does not match.</exception>
    public T ExpectMsg<T>(Predicate<T> isExpected, TimeSpan? timeout = null) => Block(ExpectMsgAsync(isExpected, timeout));

    /// <inheritdoc cref="ExpectMsg{T}(Predicate{T}, TimeSpan?)"/>
    public Task<T> ExpectMsgAsync<T>(Predicate<T> isExpected, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(isExpected);
        var expectation = $"a message of type {MessageText.TypeName(typeof(T))} matching the predicate";
        return ExpectCoreAsync<T>(
            "ExpectMsg",
            expectation,
            timeout,
            (actual, received) => isExpected(actual)
                ? null
                : new TestKitAssertionException($"ExpectMsg: expected {expectation}, but received {Describe(received)}, which does not match."),
            cancellationToken);
    }

    /// <summary>
    /// Takes the next message, checks that it is a <typeparamref name="T"/> and runs <paramref name="assertion"/> on it
    /// (for example xunit <c>Assert</c> calls). The assertion runs once: it is not retried.
    /// </summary>
    /// <returns>The message.</returns>
    /// <exception cref="TestKitAssertionException">No message arrived in time, it is not a <typeparamref name="T"/>, or the assertion threw (its exception is the inner exception).</exception>
    public T ExpectMsg<T>(Action<T> assertion, TimeSpan? timeout = null) => Block(ExpectMsgAsync(assertion, timeout));

    /// <inheritdoc cref="ExpectMsg{T}(Action{T}, TimeSpan?)"/>
    public Task<T> ExpectMsgAsync<T>(Action<T> assertion, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        return ExpectCoreAsync<T>(
            "ExpectMsg",
            $"a message of type {MessageText.TypeName(typeof(T))} that passes the assertion",
            timeout,
            (actual, received) =>
            {
                try
                {
                    assertion(actual);
                    return null;
                }
                catch (Exception failure)
                {
                    return new TestKitAssertionException(
                        $"ExpectMsg: received {Describe(received)}, but the assertion failed: {failure.Message}", failure);
                }
            },
            cancellationToken);
    }

    /// <summary>
    /// Waits <paramref name="duration"/> and checks that no message arrives meanwhile. It always waits the whole
    /// duration when nothing arrives, so keep it short.
    /// </summary>
    /// <param name="duration">How long to wait (real time); null: the remaining time of the Within block, else the default timeout.</param>
    /// <exception cref="TestKitAssertionException">A message arrived.</exception>
    public void ExpectNoMsg(TimeSpan? duration = null) => Block(ExpectNoMsgAsync(duration));

    /// <inheritdoc cref="ExpectNoMsg(TimeSpan?)"/>
    /// <param name="duration">How long to wait (real time); null: the remaining time of the Within block, else the default timeout.</param>
    /// <param name="cancellationToken">Stops the wait with <see cref="OperationCanceledException"/>.</param>
    public async Task ExpectNoMsgAsync(TimeSpan? duration = null, CancellationToken cancellationToken = default)
    {
        var wait = ResolveTimeout(duration, nameof(duration));
        var start = Now;
        var received = await ReceiveOneAsync(wait, cancellationToken).ConfigureAwait(false);
        if (received is not null)
        {
            MarkExpectation(noMessage: false);
            throw new TestKitAssertionException(
                $"ExpectNoMsg: expected no message for {MessageText.Ms(wait)}, but received {Describe(received)} after {MessageText.Ms(Since(start))}.");
        }
        MarkExpectation(noMessage: true);
    }

    /// <summary>
    /// Takes the next message and checks that it is the <see cref="Terminated"/> of <paramref name="actor"/>. Call
    /// <see cref="Watch"/> first: only watched actors report their death.
    /// </summary>
    /// <returns>The <see cref="Terminated"/> message.</returns>
    /// <exception cref="InvalidOperationException"><paramref name="actor"/> is not watched by this kit or probe.</exception>
    /// <exception cref="TestKitAssertionException">No message arrived in time, or it is another message.</exception>
    public Terminated ExpectTerminated(IActorRef actor, TimeSpan? timeout = null) => Block(ExpectTerminatedAsync(actor, timeout));

    /// <inheritdoc cref="ExpectTerminated(IActorRef, TimeSpan?)"/>
    public Task<Terminated> ExpectTerminatedAsync(IActorRef actor, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!IsWatching(actor))
        {
            throw new InvalidOperationException(
                $"ExpectTerminated({actor.Path}): {TestActor.Path} does not watch that actor, so no Terminated can arrive. Call Watch(actor) first.");
        }
        var expectation = $"Terminated for {actor.Path}";
        return ExpectCoreAsync<Terminated>(
            "ExpectTerminated",
            expectation,
            timeout,
            (terminated, received) => terminated.ActorRef.Equals(actor)
                ? null
                : new TestKitAssertionException($"ExpectTerminated: expected {expectation}, but received {Describe(received)}."),
            cancellationToken);
    }

    /// <summary>
    /// Takes messages until one is a <typeparamref name="T"/> for which <paramref name="isMessage"/> is true, and
    /// returns it. Messages before it (of any type) are taken and dropped.
    /// </summary>
    /// <param name="isMessage">Recognizes the message to fish out.</param>
    /// <param name="max">How long to fish in all (real time); null: the remaining time of the Within block, else the default timeout.</param>
    /// <exception cref="TestKitAssertionException">No matching message arrived in time; the message lists what was skipped.</exception>
    public T FishForMessage<T>(Predicate<T> isMessage, TimeSpan? max = null) => Block(FishForMessageAsync(isMessage, max));

    /// <inheritdoc cref="FishForMessage{T}(Predicate{T}, TimeSpan?)"/>
    /// <param name="isMessage">Recognizes the message to fish out.</param>
    /// <param name="max">How long to fish in all (real time); null: the remaining time of the Within block, else the default timeout.</param>
    /// <param name="cancellationToken">Stops the wait with <see cref="OperationCanceledException"/>.</param>
    public async Task<T> FishForMessageAsync<T>(Predicate<T> isMessage, TimeSpan? max = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(isMessage);
        var wait = ResolveTimeout(max, nameof(max));
        var start = Now;
        var skipped = new List<ReceivedMessage>();
        while (true)
        {
            var received = await ReceiveOneAsync(wait - Since(start), cancellationToken).ConfigureAwait(false);
            if (received is null)
            {
                MarkExpectation(noMessage: false);
                throw new TestKitAssertionException(
                    $"FishForMessage: no message of type {MessageText.TypeName(typeof(T))} matching the predicate arrived {WithinOrStopped(wait)}; " +
                    $"skipped {Listing(skipped)}.");
            }
            if (received.Message is T typed && isMessage(typed))
            {
                MarkExpectation(noMessage: false);
                return typed;
            }
            skipped.Add(received);
        }
    }

    /// <summary>Takes the next <paramref name="count"/> messages, whatever their types, in the order they arrived.</summary>
    /// <param name="count">How many messages to take (at least 1).</param>
    /// <param name="max">How long to wait for all of them (real time); null: the remaining time of the Within block, else the default timeout.</param>
    /// <exception cref="TestKitAssertionException">Fewer arrived in time; the message lists those that did.</exception>
    public IReadOnlyList<object> ReceiveN(int count, TimeSpan? max = null) => Block(ReceiveNAsync(count, max));

    /// <inheritdoc cref="ReceiveN(int, TimeSpan?)"/>
    /// <param name="count">How many messages to take (at least 1).</param>
    /// <param name="max">How long to wait for all of them (real time); null: the remaining time of the Within block, else the default timeout.</param>
    /// <param name="cancellationToken">Stops the wait with <see cref="OperationCanceledException"/>.</param>
    public async Task<IReadOnlyList<object>> ReceiveNAsync(int count, TimeSpan? max = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var wait = ResolveTimeout(max, nameof(max));
        var start = Now;
        var taken = new List<ReceivedMessage>(count);
        while (taken.Count < count)
        {
            var received = await ReceiveOneAsync(wait - Since(start), cancellationToken).ConfigureAwait(false);
            if (received is null)
            {
                MarkExpectation(noMessage: false);
                throw new TestKitAssertionException(
                    $"ReceiveN: expected {count} message{(count == 1 ? "" : "s")}, but only {taken.Count} arrived {WithinOrStopped(wait)}: {Listing(taken)}.");
            }
            taken.Add(received);
        }
        MarkExpectation(noMessage: false);
        return taken.Select(r => r.Message).ToArray();
    }

    /// <summary>
    /// The one way a single message is expected: wait for it, check its type, then run <paramref name="check"/>,
    /// which returns the failure to throw or null when the message is the one expected.
    /// </summary>
    private async Task<T> ExpectCoreAsync<T>(
        string operation,
        string expectation,
        TimeSpan? timeout,
        Func<T, ReceivedMessage, TestKitAssertionException?>? check,
        CancellationToken cancellationToken)
    {
        var wait = ResolveTimeout(timeout, nameof(timeout));
        var received = await ReceiveOneAsync(wait, cancellationToken).ConfigureAwait(false);
        MarkExpectation(noMessage: false);
        if (received is null)
        {
            throw new TestKitAssertionException($"{operation}: expected {expectation}, but no message arrived {WithinOrStopped(wait)}.");
        }
        if (received.Message is not T typed)
        {
            throw new TestKitAssertionException($"{operation}: expected {expectation}, but received {Describe(received)}.");
        }
        if (check?.Invoke(typed, received) is { } failure)
        {
            throw failure;
        }
        return typed;
    }

    private string Listing(List<ReceivedMessage> messages)
    {
        const int Shown = 10;
        if (messages.Count == 0)
        {
            return "nothing";
        }
        var list = string.Join("; ", messages.Take(Shown).Select(Describe));
        return messages.Count <= Shown ? $"[{list}]" : $"[{list}; and {messages.Count - Shown} more]";
    }
}
