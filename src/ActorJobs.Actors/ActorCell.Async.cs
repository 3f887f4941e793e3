using ActorJobs.Actors.Dispatch;

namespace ActorJobs.Actors;

/// <summary>
/// Async handlers. While a handler's task runs, the mailbox takes no user message; its continuations come back
/// as system messages and run on the actor's turn with the original message as current.
/// </summary>
internal sealed partial class ActorCell
{
    private ActorSynchronizationContext? _asyncContext;
    private Envelope _asyncEnvelope;

    /// <summary>True while an async handler of this actor is running.</summary>
    public bool IsAwaitingAsync => _asyncContext is not null;

    public void RunAsync<T>(Func<T, Task> handler, T message)
    {
        var context = new ActorSynchronizationContext(this);
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(context);
        Task task;
        try
        {
            task = handler(message);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
        if (task.IsCompleted)
        {
            // Rethrows a fault so the usual failure path handles it.
            task.GetAwaiter().GetResult();
            return;
        }
        _asyncContext = context;
        _asyncEnvelope = _currentEnvelope;
        Mailbox.Suspend();
        task.ContinueWith(
            static (t, state) =>
            {
                var ctx = (ActorSynchronizationContext)state!;
                ctx.Cell.Self.SendSystemMessage(new AsyncHandlerCompleted(ctx, t));
            },
            context,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void HandleContinuation(RunContinuation continuation)
    {
        if (!ReferenceEquals(continuation.Context, _asyncContext))
        {
            return; // From a handler abandoned by a restart or stop.
        }
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(continuation.Context);
        _currentEnvelope = _asyncEnvelope;
        _hasCurrent = true;
        try
        {
            continuation.Callback(continuation.State);
        }
        catch (Exception exception)
        {
            // Async methods capture their exceptions in the task; this is a raw callback that threw.
            System.Log.HookFailed(exception, Path.ToString(), "async continuation");
        }
        finally
        {
            _hasCurrent = false;
            _currentEnvelope = default;
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    private void HandleAsyncCompleted(AsyncHandlerCompleted completed)
    {
        if (!ReferenceEquals(completed.Context, _asyncContext))
        {
            return;
        }
        _asyncContext = null;
        var envelope = _asyncEnvelope;
        _asyncEnvelope = default;
        var task = completed.Task;
        if (task.IsCompletedSuccessfully)
        {
            if (_receiveTimeout is not null && envelope.Message is not INotInfluenceReceiveTimeout)
            {
                TouchReceiveTimeout();
            }
            Mailbox.Resume();
            return;
        }
        Exception failure = task.Exception?.InnerExceptions.Count == 1
            ? task.Exception.InnerException!
            : (Exception?)task.Exception ?? new TaskCanceledException($"The async handler of {Path} was canceled.");
        _currentEnvelope = envelope;
        _hasCurrent = true;
        try
        {
            HandleInvokeFailure(failure, alreadySuspended: true);
        }
        finally
        {
            _hasCurrent = false;
            _currentEnvelope = default;
        }
    }

    /// <summary>Forgets a running async handler (restart or stop); its later continuations are dropped.</summary>
    private void AbandonAsyncHandler()
    {
        if (_asyncContext is null)
        {
            return;
        }
        _asyncContext = null;
        _asyncEnvelope = default;
        Mailbox.Resume();
        try
        {
            _actor?.AfterAsyncHandlerAbandoned();
        }
        catch (Exception exception)
        {
            System.Log.HookFailed(exception, Path.ToString(), nameof(ActorBase.AfterAsyncHandlerAbandoned));
        }
    }
}
