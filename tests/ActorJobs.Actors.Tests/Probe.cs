using System.Threading.Channels;
using Xunit.Sdk;

namespace ActorJobs.Actors.Tests;

/// <summary>
/// A test's window into an actor system: an actor that writes every message it receives, with its sender, into a
/// channel that the test reads in order. It can also watch actors; their <see cref="Terminated"/> arrive like any
/// other message. Deliberately independent of ActorJobs.TestKit, which these tests must not rely on.
/// </summary>
internal sealed class Probe
{
    /// <summary>How long an expectation waits: generous, so a loaded 2-core machine does not fail a correct kernel.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    /// <summary>How long <see cref="ExpectNoMessageAsync"/> listens by default.</summary>
    public static readonly TimeSpan NoMessageWindow = TimeSpan.FromMilliseconds(200);

    private readonly Channel<Received> _inbox = Channel.CreateUnbounded<Received>();

    public Probe(ActorSystem system, string? name = null)
    {
        var writer = _inbox.Writer;
        Ref = system.ActorOf(Props.Create(() => new ProbeActor(writer)), name);
    }

    /// <summary>The probe's ref: tell it things, or pass it to actors as the one to report to.</summary>
    public IActorRef Ref { get; }

    /// <summary>The sender of the message most recently taken by an Expect call.</summary>
    public IActorRef? LastSender { get; private set; }

    /// <summary>Takes the next message, which must be a <typeparamref name="T"/>.</summary>
    public async Task<T> ExpectAsync<T>(TimeSpan? timeout = null)
    {
        var received = await NextAsync(timeout, typeof(T).Name);
        return received.Message is T typed
            ? typed
            : throw new XunitException($"Expected a {typeof(T).Name} but got {Describe(received)}.");
    }

    /// <summary>Takes the next message, which must equal <paramref name="expected"/>.</summary>
    public async Task<T> ExpectAsync<T>(T expected, TimeSpan? timeout = null)
    {
        var received = await NextAsync(timeout, $"{typeof(T).Name} {expected}");
        return received.Message is T typed && EqualityComparer<T>.Default.Equals(typed, expected)
            ? typed
            : throw new XunitException($"Expected {expected} but got {Describe(received)}.");
    }

    /// <summary>Takes the next <paramref name="count"/> messages, whatever they are.</summary>
    public async Task<IReadOnlyList<object>> ReceiveAsync(int count, TimeSpan? timeout = null)
    {
        var messages = new List<object>(count);
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            while (messages.Count < count)
            {
                var received = await _inbox.Reader.ReadAsync(cts.Token);
                LastSender = received.Sender;
                messages.Add(received.Message);
            }
        }
        catch (OperationCanceledException)
        {
            throw new XunitException(
                $"Timed out after {timeout ?? DefaultTimeout} with {messages.Count} of {count} messages: [{string.Join(", ", messages)}].");
        }
        return messages;
    }

    /// <summary>Takes the next <paramref name="count"/> messages, which must all be <typeparamref name="T"/>.</summary>
    public async Task<IReadOnlyList<T>> ReceiveAsync<T>(int count, TimeSpan? timeout = null)
    {
        var messages = await ReceiveAsync(count, timeout);
        var wrong = messages.FirstOrDefault(m => m is not T);
        return wrong is null
            ? messages.Cast<T>().ToArray()
            : throw new XunitException($"Expected {count} messages of type {typeof(T).Name} but got {wrong} ({wrong.GetType().Name}).");
    }

    /// <summary>Listens for <paramref name="duration"/> and fails if any message arrives.</summary>
    public async Task ExpectNoMessageAsync(TimeSpan? duration = null)
    {
        using var cts = new CancellationTokenSource(duration ?? NoMessageWindow);
        try
        {
            var received = await _inbox.Reader.ReadAsync(cts.Token);
            throw new XunitException($"Expected no message but got {Describe(received)}.");
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Watches <paramref name="target"/>; returns once the watch is registered by the probe.</summary>
    public Task WatchAsync(IActorRef target) => Ref.Ask<WatchAck>(new WatchTarget(target)).WaitAsync(DefaultTimeout);

    /// <summary>Stops watching <paramref name="target"/>.</summary>
    public Task UnwatchAsync(IActorRef target) => Ref.Ask<WatchAck>(new UnwatchTarget(target)).WaitAsync(DefaultTimeout);

    /// <summary>Takes the next message, which must be the <see cref="Terminated"/> of <paramref name="target"/>.</summary>
    public async Task<Terminated> ExpectTerminatedAsync(IActorRef target, TimeSpan? timeout = null)
    {
        var terminated = await ExpectAsync<Terminated>(timeout);
        Assert.Equal(target, terminated.ActorRef);
        return terminated;
    }

    private async Task<Received> NextAsync(TimeSpan? timeout, string what)
    {
        var wait = timeout ?? DefaultTimeout;
        using var cts = new CancellationTokenSource(wait);
        try
        {
            var received = await _inbox.Reader.ReadAsync(cts.Token);
            LastSender = received.Sender;
            return received;
        }
        catch (OperationCanceledException)
        {
            throw new XunitException($"Timed out after {wait} waiting for {what}.");
        }
    }

    private static string Describe(Received received) =>
        $"{received.Message} ({received.Message.GetType().Name}) from {received.Sender?.Path}";

    private sealed record Received(object Message, IActorRef? Sender);

    private sealed record WatchTarget(IActorRef Target);

    private sealed record UnwatchTarget(IActorRef Target);

    private sealed record WatchAck;

    private sealed class ProbeActor(ChannelWriter<Received> inbox) : ActorBase
    {
        protected internal override bool Receive(object message)
        {
            switch (message)
            {
                case WatchTarget watch:
                    Context.Watch(watch.Target);
                    Sender.Tell(new WatchAck(), Self);
                    break;
                case UnwatchTarget unwatch:
                    Context.Unwatch(unwatch.Target);
                    Sender.Tell(new WatchAck(), Self);
                    break;
                default:
                    inbox.TryWrite(new Received(message, Sender));
                    break;
            }
            return true;
        }
    }
}
