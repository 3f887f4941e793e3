using System.Threading.Channels;
using ActorJobs.Actors;

namespace ActorJobs.TestKit.Internal;

/// <summary>A message as the test actor or a probe received it, with its sender (dead letters when it had none).</summary>
internal sealed record ReceivedMessage(object Message, IActorRef Sender);

/// <summary>
/// The actor behind <see cref="TestKitBase.TestActor"/>: it writes every message it receives, with its sender, into the
/// channel that the expectations read. <see cref="Terminated"/> of watched actors arrives like any other message
/// (ReceiveAny handles it, so watching never becomes a death pact).
/// </summary>
internal sealed class ProbeActor : ReceiveActor
{
    private readonly ChannelWriter<ReceivedMessage> _inbox;

    public ProbeActor(ChannelWriter<ReceivedMessage> inbox)
    {
        _inbox = inbox;
        // Watching must happen on the actor's own turn: the kernel's death watch belongs to the watcher's cell.
        Receive<WatchRequest>(request => Context.Watch(request.Subject));
        Receive<UnwatchRequest>(request => Context.Unwatch(request.Subject));
        ReceiveAny(message => _inbox.TryWrite(new ReceivedMessage(message, Sender)));
    }

    /// <summary>Completes the channel, so an expectation waiting on a stopped probe fails at once instead of timing out.</summary>
    protected internal override void PostStop() => _inbox.TryComplete();

    /// <summary>A probe never fails on its own; if it ever restarts, its channel must stay open.</summary>
    protected internal override void PreRestart(Exception reason, object? message)
    {
    }

    /// <summary>Asks the probe actor to watch <paramref name="Subject"/>. Internal, so no user message can look like it.</summary>
    internal sealed record WatchRequest(IActorRef Subject);

    /// <summary>Asks the probe actor to stop watching <paramref name="Subject"/>.</summary>
    internal sealed record UnwatchRequest(IActorRef Subject);
}
