using ActorJobs.Actors.Dispatch;

namespace ActorJobs.Actors;

/// <summary>
/// Failure, supervision, restart and stop. A failing actor suspends its mailbox and reports to its parent;
/// the parent's strategy answers with resume, restart or stop, or escalates to its own parent.
/// Stopping and restarting wait for the children being stopped to terminate first.
/// </summary>
internal sealed partial class ActorCell
{
    private bool _suspendedForFailure;
    private bool _terminating;
    private bool _terminated;
    private Exception? _recreateCause;
    private object? _failedMessage;

    // Children whose failure we escalated: they stay suspended until our own parent has decided about us.
    private List<InternalActorRef>? _escalatedChildren;

    /// <summary>The actor threw: suspend it and let the parent decide. Failures while stopping are only logged.</summary>
    private void HandleInvokeFailure(Exception exception, bool alreadySuspended = false)
    {
        if (_terminating)
        {
            System.Log.FailureWhileStopping(exception, Path.ToString());
            if (alreadySuspended)
            {
                Mailbox.Resume();
            }
            return;
        }
        if (_suspendedForFailure)
        {
            // Already waiting for the parent's decision about an earlier failure.
            System.Log.FailureWhileStopping(exception, Path.ToString());
            if (alreadySuspended)
            {
                Mailbox.Resume();
            }
            return;
        }
        if (!alreadySuspended)
        {
            Mailbox.Suspend();
        }
        _suspendedForFailure = true;
        _failedMessage = _hasCurrent ? _currentEnvelope.Message : null;
        Parent.SendSystemMessage(new Failed(Self, exception));
    }

    /// <summary>A child failed: apply our strategy, or escalate by failing ourselves with the same exception.</summary>
    private void HandleFailed(Failed failed)
    {
        var entry = FindChild(failed.Child);
        if (entry is null || entry.Stopping)
        {
            return;
        }
        SupervisorStrategy strategy;
        try
        {
            strategy = _actor?.SupervisorStrategy() ?? Props.SupervisorStrategy ?? SupervisorStrategy.DefaultStrategy;
        }
        catch (Exception exception)
        {
            System.Log.SystemMessageFailed(exception, Path.ToString(), "SupervisorStrategy()");
            strategy = SupervisorStrategy.DefaultStrategy;
        }
        bool handled;
        try
        {
            handled = strategy.HandleFailure(this, entry, failed.Cause, ChildrenSnapshot());
        }
        catch (Exception deciderFailure)
        {
            // A decider that throws escalates what it threw.
            (_escalatedChildren ??= []).Add(failed.Child);
            HandleInvokeFailure(deciderFailure);
            return;
        }
        if (!handled)
        {
            LogChildFailure(failed.Child, failed.Cause, Directive.Escalate);
            (_escalatedChildren ??= []).Add(failed.Child);
            HandleInvokeFailure(failed.Cause);
        }
    }

    internal void LogChildFailure(IActorRef child, Exception cause, Directive directive)
    {
        if (directive == Directive.Resume)
        {
            System.Log.ChildResumed(cause, child.Path.ToString(), cause.Message);
        }
        else
        {
            System.Log.ChildFailed(cause, child.Path.ToString(), directive, cause.Message);
        }
    }

    private void HandleResume(Exception cause)
    {
        if (!_suspendedForFailure || _terminating)
        {
            return;
        }
        if (_actor is null)
        {
            // Nothing to resume: the actor never finished starting. Start it afresh instead.
            HandleRecreate(cause);
            return;
        }
        _suspendedForFailure = false;
        _failedMessage = null;
        Mailbox.Resume();
        // Resumed after escalating: the children that failed are resumed with us.
        foreach (var child in TakeEscalatedChildren())
        {
            child.SendSystemMessage(new Resume(cause));
        }
    }

    private void HandleRecreate(Exception cause)
    {
        if (_terminating)
        {
            return;
        }
        if (!_suspendedForFailure)
        {
            // A healthy sibling restarted by an all-for-one strategy.
            Mailbox.Suspend();
            _suspendedForFailure = true;
        }
        AbandonAsyncHandler();
        var failed = _actor;
        if (failed is not null)
        {
            try
            {
                failed.PreRestart(cause, _failedMessage);
            }
            catch (Exception exception)
            {
                System.Log.HookFailed(exception, Path.ToString(), nameof(ActorBase.PreRestart));
            }
        }
        _timers?.CancelAll();
        CancelReceiveTimeout();
        if (_stash is { Count: > 0 })
        {
            _stash.UnstashAll();
        }
        if (HasStoppingChildren)
        {
            _recreateCause = cause;
            return;
        }
        FinishRecreate(cause);
    }

    private void FinishRecreate(Exception cause)
    {
        _recreateCause = null;
        _actor = null;
        try
        {
            _actor = NewActorInstance();
            _actor.AroundPostRestart(cause);
        }
        catch (Exception exception)
        {
            // Still suspended: report the new failure and wait for the parent again.
            Parent.SendSystemMessage(new Failed(Self, new ActorInitializationException(Path, $"{Props.Type.Name} failed to restart: {exception.Message}", exception)));
            return;
        }
        _suspendedForFailure = false;
        _failedMessage = null;
        Mailbox.Resume();
        // Restarted after escalating: a failed child that survived PreRestart is restarted too, not left suspended.
        foreach (var child in TakeEscalatedChildren())
        {
            if (FindChild(child) is { Stopping: false })
            {
                child.SendSystemMessage(new Recreate(cause));
            }
        }
    }

    private List<InternalActorRef> TakeEscalatedChildren()
    {
        var children = _escalatedChildren ?? [];
        _escalatedChildren = null;
        return children;
    }

    private void HandleTerminate()
    {
        if (_terminating)
        {
            return;
        }
        lock (_childrenLock)
        {
            _terminating = true;
        }
        // No more user messages from here on; what is left in the queue goes to dead letters when we close.
        Mailbox.Suspend();
        AbandonAsyncHandler();
        _timers?.CancelAll();
        CancelReceiveTimeout();
        UnwatchAll();
        if (!StopAllChildren())
        {
            FinishTerminate();
        }
    }

    private void FinishTerminate()
    {
        if (_terminated)
        {
            return;
        }
        _terminated = true;
        var actor = _actor;
        if (actor is not null)
        {
            try
            {
                actor.PostStop();
            }
            catch (Exception exception)
            {
                System.Log.HookFailed(exception, Path.ToString(), nameof(ActorBase.PostStop));
            }
        }
        if (_stash is { Count: > 0 })
        {
            foreach (var envelope in _stash.ClearStash())
            {
                System.DeadLetterFor(envelope, Self);
            }
        }
        Mailbox.Close();
        ParentCell?.ReleaseChildName(Self);
        TellWatchersWeDied();
        Parent.SendSystemMessage(new ChildTerminated(Self));
        _actor = null;
    }
}
