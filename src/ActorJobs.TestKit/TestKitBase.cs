using System.Diagnostics;
using System.Threading.Channels;
using ActorJobs.Actors;
using ActorJobs.TestKit.Internal;

namespace ActorJobs.TestKit;

/// <summary>
/// What <see cref="TestKit"/> and <see cref="TestProbe"/> share: an actor (<see cref="TestActor"/>) that queues every
/// message it receives, and the expectations that read that queue (<c>ExpectMsg</c>, <c>ExpectNoMsg</c>,
/// <c>ExpectTerminated</c>, <c>FishForMessage</c>, <c>ReceiveN</c>), timing blocks (<c>Within</c>) and retried checks
/// (<c>AwaitAssert</c>, <c>AwaitCondition</c>).
/// </summary>
/// <remarks>
/// <para>
/// Every wait is in real time and ends on a signal: an expectation returns as soon as the message arrives and fails
/// when its timeout passes. When the actor system runs on virtual time (<see cref="TestKitSettings.UseVirtualTime"/>),
/// only the system's timers use the virtual clock; expectations still wait for real threads to deliver messages.
/// </para>
/// <para>
/// A timeout left out (null) means: the time remaining in the innermost <c>Within</c> block, or
/// <see cref="TestKitSettings.DefaultTimeout"/> outside one. Each async method has a blocking twin of the same name
/// without the <c>Async</c> suffix. An instance is meant for one test thread at a time, as in Akka.NET.
/// </para>
/// </remarks>
public abstract partial class TestKitBase
{
    private static long s_probeCounter;

    private readonly Channel<ReceivedMessage> _inbox = Channel.CreateUnbounded<ReceivedMessage>(
        new UnboundedChannelOptions { SingleWriter = true });

    private readonly Lock _watchedLock = new();
    private readonly HashSet<IActorRef> _watched = [];
    private ReceivedMessage? _lastMessage;

    private protected TestKitBase(ActorSystem system, TestKitSettings settings, string actorName)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        Sys = system;
        TestKitSettings = settings;
        var writer = _inbox.Writer;
        // On the sender's thread, as Akka.NET's TestActor: a message told to it is queued before Tell returns, so an
        // expectation never waits for a busy thread pool to run the probe.
        TestActor = system.SystemActorOf(Props.Create(() => new ProbeActor(writer)).WithCallingThreadDispatcher(), actorName);
    }

    /// <summary>The actor system under test.</summary>
    public ActorSystem Sys { get; }

    /// <summary>The timeouts this kit uses.</summary>
    public TestKitSettings TestKitSettings { get; }

    /// <summary>
    /// The actor whose received messages the expectations read. Pass it as the sender so that replies come back here:
    /// <c>actor.Tell(new Ping(), TestActor)</c>. The one-argument <c>Tell(message)</c> takes its sender from the actor
    /// that is running, and the test thread is no actor, so replies to it would go to dead letters.
    /// </summary>
    public IActorRef TestActor { get; }

    /// <summary>The sender of the last message an expectation took; dead letters before the first one.</summary>
    public IActorRef LastSender => _lastMessage?.Sender ?? Sys.DeadLetters;

    /// <summary>Creates a new <see cref="TestProbe"/> in <see cref="Sys"/> with the same timeouts as this kit.</summary>
    /// <param name="name">The probe actor's name; null generates a unique one.</param>
    public TestProbe CreateTestProbe(string? name = null) =>
        new(Sys, TestKitSettings, name ?? $"testProbe-{Interlocked.Increment(ref s_probeCounter)}");

    /// <summary>
    /// Makes <see cref="TestActor"/> watch <paramref name="actor"/>: when it stops, a <see cref="Terminated"/> message
    /// arrives (see <see cref="ExpectTerminated"/>), also if it had already stopped.
    /// </summary>
    /// <returns><paramref name="actor"/>, for chaining.</returns>
    public IActorRef Watch(IActorRef actor)
    {
        RequireKernelRef(actor);
        lock (_watchedLock)
        {
            _watched.Add(actor);
        }
        // The request queues behind nothing the test sent earlier to TestActor, and the kernel delivers Terminated
        // even for an actor that died before the watch began, so there is nothing to wait for here.
        TestActor.Tell(new ProbeActor.WatchRequest(actor), ActorRefs.NoSender);
        return actor;
    }

    /// <summary>
    /// Stops watching <paramref name="actor"/>. A <see cref="Terminated"/> that the kernel queued but <see cref="TestActor"/>
    /// had not yet taken is dropped; one it already took stays in the queue of received messages.
    /// </summary>
    /// <returns><paramref name="actor"/>, for chaining.</returns>
    public IActorRef Unwatch(IActorRef actor)
    {
        RequireKernelRef(actor);
        lock (_watchedLock)
        {
            _watched.Remove(actor);
        }
        TestActor.Tell(new ProbeActor.UnwatchRequest(actor), ActorRefs.NoSender);
        return actor;
    }

    /// <summary>Tells <paramref name="message"/> to <paramref name="target"/> with <see cref="TestActor"/> as the sender.</summary>
    public void Send(IActorRef target, object message)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(message);
        target.Tell(message, TestActor);
    }

    /// <summary>Tells <paramref name="message"/> to <see cref="LastSender"/>, with <see cref="TestActor"/> as the sender.</summary>
    /// <exception cref="InvalidOperationException">No message has been taken yet, so there is no one to reply to.</exception>
    public void Reply(object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var last = _lastMessage ?? throw new InvalidOperationException(
            "Reply needs a message to reply to: take one first (ExpectMsg, FishForMessage, ReceiveN).");
        last.Sender.Tell(message, TestActor);
    }

    /// <summary>Sends the last message taken to <paramref name="target"/>, keeping its original sender, so the target replies to that sender.</summary>
    /// <exception cref="InvalidOperationException">No message has been taken yet.</exception>
    public void Forward(IActorRef target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var last = _lastMessage ?? throw new InvalidOperationException(
            "Forward needs a message to forward: take one first (ExpectMsg, FishForMessage, ReceiveN).");
        target.Tell(last.Message, last.Sender);
    }

    /// <summary>Takes the next received message, waiting up to <paramref name="timeout"/>; null if none arrived in time.</summary>
    private async Task<ReceivedMessage?> ReceiveOneAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var reader = _inbox.Reader;
        if (reader.TryRead(out var received))
        {
            return Took(received);
        }
        if (timeout <= TimeSpan.Zero)
        {
            return null;
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (await reader.WaitToReadAsync(deadline.Token).ConfigureAwait(false))
            {
                if (reader.TryRead(out received))
                {
                    return Took(received);
                }
            }
            return null; // the channel completed: the probe actor has stopped
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private ReceivedMessage Took(ReceivedMessage received)
    {
        _lastMessage = received;
        return received;
    }

    private bool IsWatching(IActorRef actor)
    {
        lock (_watchedLock)
        {
            return _watched.Contains(actor);
        }
    }

    /// <summary>The timeout to use: <paramref name="timeout"/> if given, else the remaining time of the Within block, else the default.</summary>
    private TimeSpan ResolveTimeout(TimeSpan? timeout, string parameterName)
    {
        if (timeout is not { } value)
        {
            return RemainingOrDefault;
        }
        if (value < TimeSpan.Zero || value == Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(parameterName, value, "A TestKit timeout must be zero or positive, and finite: a test that can wait forever hangs instead of failing.");
        }
        return value;
    }

    private string Describe(ReceivedMessage received) => MessageText.Describe(received, Sys.DeadLetters);

    /// <summary>How long a failed wait lasted, as in "no message arrived within 100 ms", or that it ended because the receiving actor stopped.</summary>
    private string WithinOrStopped(TimeSpan waited) =>
        _inbox.Reader.Completion.IsCompleted ? $"before {TestActor.Path} stopped" : $"within {MessageText.Ms(waited)}";

    private static long Now => Stopwatch.GetTimestamp();

    private static TimeSpan Since(long timestamp) => Stopwatch.GetElapsedTime(timestamp);

    private static void RequireKernelRef(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor is not InternalActorRef)
        {
            throw new ArgumentException($"{actor} is not an actor of the ActorJobs kernel and cannot be watched.", nameof(actor));
        }
    }

    private static T Block<T>(Task<T> task) => task.GetAwaiter().GetResult();

    private static void Block(Task task) => task.GetAwaiter().GetResult();
}
