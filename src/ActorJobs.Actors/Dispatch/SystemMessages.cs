namespace ActorJobs.Actors.Dispatch;

/// <summary>
/// Messages the kernel sends to an actor's cell rather than to the actor: lifecycle, supervision and death watch.
/// They travel on the mailbox's system queue, which is always drained before user messages.
/// </summary>
internal abstract class SystemMessage;

/// <summary>Create the actor instance and run PreStart (the first message every cell receives).</summary>
internal sealed class Create : SystemMessage;

/// <summary>Restart: PreRestart on the old instance, a new instance from Props, PostRestart.</summary>
internal sealed class Recreate(Exception cause) : SystemMessage
{
    public Exception Cause { get; } = cause;
}

/// <summary>Continue after a failure with the same instance and state.</summary>
internal sealed class Resume(Exception cause) : SystemMessage
{
    public Exception Cause { get; } = cause;
}

/// <summary>Stop: children first, then PostStop, then watchers are told.</summary>
internal sealed class Terminate : SystemMessage;

/// <summary>A child's report that it failed; the parent's supervisor strategy decides what happens.</summary>
internal sealed class Failed(InternalActorRef child, Exception cause) : SystemMessage
{
    public InternalActorRef Child { get; } = child;

    public Exception Cause { get; } = cause;
}

/// <summary>A child has terminated; the parent frees its name and may finish its own stop or restart.</summary>
internal sealed class ChildTerminated(InternalActorRef child) : SystemMessage
{
    public InternalActorRef Child { get; } = child;
}

/// <summary><paramref name="watcher"/> wants a <see cref="Terminated"/> when <paramref name="watchee"/> stops.</summary>
internal sealed class Watch(InternalActorRef watchee, InternalActorRef watcher) : SystemMessage
{
    public InternalActorRef Watchee { get; } = watchee;

    public InternalActorRef Watcher { get; } = watcher;
}

/// <summary>Withdraws a <see cref="Watch"/>.</summary>
internal sealed class Unwatch(InternalActorRef watchee, InternalActorRef watcher) : SystemMessage
{
    public InternalActorRef Watchee { get; } = watchee;

    public InternalActorRef Watcher { get; } = watcher;
}

/// <summary>Tells a watcher that <see cref="Actor"/> has terminated.</summary>
internal sealed class DeathWatchNotification(InternalActorRef actor) : SystemMessage
{
    public InternalActorRef Actor { get; } = actor;
}

/// <summary>A continuation of an async handler, run on the actor so it keeps the one-message-at-a-time rule.</summary>
internal sealed class RunContinuation(ActorSynchronizationContext context, SendOrPostCallback callback, object? state) : SystemMessage
{
    public ActorSynchronizationContext Context { get; } = context;

    public SendOrPostCallback Callback { get; } = callback;

    public object? State { get; } = state;
}

/// <summary>An async handler's task has ended; the mailbox may take the next user message.</summary>
internal sealed class AsyncHandlerCompleted(ActorSynchronizationContext context, Task task) : SystemMessage
{
    public ActorSynchronizationContext Context { get; } = context;

    public Task Task { get; } = task;
}
