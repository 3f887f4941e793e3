namespace ActorJobs.Actors;

/// <summary>Tell with an implicit sender, Forward, Ask, PipeTo and GracefulStop.</summary>
public static class ActorRefExtensions
{
    /// <summary>Tells <paramref name="message"/> with the current actor as sender (no sender outside an actor).</summary>
    public static void Tell(this IActorRef receiver, object message)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        receiver.Tell(message, ActorCell.Current?.Self);
    }

    /// <summary>Tells <paramref name="message"/> keeping the original sender of the message being handled, so the receiver replies to it directly.</summary>
    public static void Forward(this IActorRef receiver, object message)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        receiver.Tell(message, ActorCell.Current?.CurrentSender);
    }

    /// <summary>
    /// Sends <paramref name="message"/> and returns the reply. A <see cref="Status.Failure"/> reply is rethrown as its cause.
    /// </summary>
    /// <param name="receiver">The actor to ask.</param>
    /// <param name="message">The question.</param>
    /// <param name="timeout">How long to wait on the system's clock; null uses <see cref="ActorSystemSettings.AskTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels the wait (the message is still delivered).</param>
    /// <exception cref="AskTimeoutException">No reply within the timeout.</exception>
    /// <exception cref="InvalidCastException">The reply is not a <typeparamref name="T"/>.</exception>
    public static async Task<T> Ask<T>(this IActorRef receiver, object message, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var reply = await AskCore(receiver, message, timeout, cancellationToken).ConfigureAwait(false);
        return reply switch
        {
            Status.Failure failure => throw failure.Cause,
            T typed => typed,
            _ => throw new InvalidCastException(
                $"Ask to {receiver.Path} expected a reply of type {typeof(T).Name} but got {reply.GetType().Name}."),
        };
    }

    /// <summary>Sends <paramref name="message"/> and returns the reply, whatever its type (see <see cref="Ask{T}"/>).</summary>
    public static Task<object> Ask(this IActorRef receiver, object message, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        receiver.Ask<object>(message, timeout, cancellationToken);

    /// <summary>
    /// When <paramref name="task"/> ends, tells <paramref name="recipient"/> its result, or a <see cref="Status.Failure"/>
    /// with its exception. Use it to bring a task's outcome back into an actor as a message.
    /// </summary>
    public static Task PipeTo<T>(this Task<T> task, IActorRef recipient, IActorRef? sender = null, Func<T, object>? success = null, Func<Exception, object>? failure = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(recipient);
        return task.ContinueWith(
            t =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    var result = success is null ? t.Result : success(t.Result);
                    recipient.Tell(result ?? new Status.Success(null), sender);
                }
                else
                {
                    TellFailure(t, recipient, sender, failure);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>As <see cref="PipeTo{T}(Task{T}, IActorRef, IActorRef?, Func{T, object}?, Func{Exception, object}?)"/> for a task with no result: success is told as <see cref="Status.Success"/>.</summary>
    public static Task PipeTo(this Task task, IActorRef recipient, IActorRef? sender = null, Func<object>? success = null, Func<Exception, object>? failure = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(recipient);
        return task.ContinueWith(
            t =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    recipient.Tell(success is null ? new Status.Success(null) : success(), sender);
                }
                else
                {
                    TellFailure(t, recipient, sender, failure);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>
    /// Sends <paramref name="stopMessage"/> (default <see cref="PoisonPill"/>) and completes with true once the actor has
    /// terminated, or false if it has not within <paramref name="timeout"/> on the system's clock.
    /// </summary>
    public static async Task<bool> GracefulStop(this IActorRef target, TimeSpan timeout, object? stopMessage = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target is not LocalActorRef local)
        {
            throw new ArgumentException($"{target} is not an actor of this kernel.", nameof(target));
        }
        var system = local.Cell.System;
        var watcher = new PromiseActorRef(system);
        local.SendSystemMessage(new Dispatch.Watch(local, watcher));
        local.Tell(stopMessage ?? PoisonPill.Instance, ActorRefs.NoSender);
        using var timer = system.TimeProvider.CreateTimer(static s => ((PromiseActorRef)s!).TrySetException(new AskTimeoutException("graceful stop")), watcher, timeout, Timeout.InfiniteTimeSpan);
        try
        {
            await watcher.Task.ConfigureAwait(false);
            return true;
        }
        catch (AskTimeoutException)
        {
            local.SendSystemMessage(new Dispatch.Unwatch(local, watcher));
            return false;
        }
    }

    private static Task<object> AskCore(IActorRef receiver, object message, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(message);
        var system = (receiver as LocalActorRef)?.Cell.System;
        var clock = system?.TimeProvider ?? TimeProvider.System;
        var wait = timeout ?? system?.Settings.AskTimeout ?? ActorSystemSettings.Default.AskTimeout;
        if (wait <= TimeSpan.Zero && wait != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), wait, "An ask timeout must be positive or infinite.");
        }
        if (system is null)
        {
            throw new ArgumentException($"{receiver} is not an actor of this kernel and cannot be asked.", nameof(receiver));
        }
        var promise = new PromiseActorRef(system);
        if (cancellationToken.IsCancellationRequested)
        {
            promise.TrySetCanceled(cancellationToken);
            return promise.Task;
        }
        var timer = wait == Timeout.InfiniteTimeSpan
            ? null
            : clock.CreateTimer(
                static s =>
                {
                    var (p, target, type, after) = ((PromiseActorRef, ActorPath, string, TimeSpan))s!;
                    p.TrySetException(new AskTimeoutException($"Ask timed out on {target} after {after.TotalMilliseconds:0} ms: no reply to a message of type {type}."));
                },
                (promise, receiver.Path, message.GetType().Name, wait),
                wait,
                Timeout.InfiniteTimeSpan);
        var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.Register(
                static s =>
                {
                    var (p, token) = ((PromiseActorRef, CancellationToken))s!;
                    p.TrySetCanceled(token);
                },
                (promise, cancellationToken))
            : default;
        if (timer is not null || cancellationToken.CanBeCanceled)
        {
            promise.Task.ContinueWith(
                (_, s) =>
                {
                    var (t, r) = ((ITimer?, CancellationTokenRegistration))s!;
                    t?.Dispose();
                    r.Dispose();
                },
                (timer, registration),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
        receiver.Tell(message, promise);
        return promise.Task;
    }

    private static void TellFailure(Task task, IActorRef recipient, IActorRef? sender, Func<Exception, object>? failure)
    {
        var exception = Unwrap(task.Exception) ?? new TaskCanceledException("The piped task was canceled.");
        recipient.Tell(failure is null ? new Status.Failure(exception) : failure(exception), sender);
    }

    private static Exception? Unwrap(AggregateException? exception) =>
        exception is null ? null : exception.InnerExceptions.Count == 1 ? exception.InnerException : exception;
}
