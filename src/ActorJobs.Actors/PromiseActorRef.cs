using ActorJobs.Actors.Dispatch;

namespace ActorJobs.Actors;

/// <summary>
/// A one-shot ref backed by a task: the first message (or death-watch notification) told to it completes the task.
/// Used as the sender of an <c>Ask</c> and as the watcher of <c>GracefulStop</c>.
/// </summary>
internal sealed class PromiseActorRef : InternalActorRef
{
    private readonly TaskCompletionSource<object> _promise = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PromiseActorRef(ActorSystem system) => Path = system.TempPath();

    public override ActorPath Path { get; }

    public Task<object> Task => _promise.Task;

    public override bool IsTerminated => _promise.Task.IsCompleted;

    public override void Tell(object message, IActorRef? sender) => _promise.TrySetResult(message);

    public override void SendSystemMessage(SystemMessage message)
    {
        if (message is DeathWatchNotification notification)
        {
            _promise.TrySetResult(new Terminated(notification.Actor));
        }
    }

    public bool TrySetException(Exception exception) => _promise.TrySetException(exception);

    public bool TrySetCanceled(CancellationToken token) => _promise.TrySetCanceled(token);
}
