using ActorJobs.Actors;
using ActorJobs.Jobs.Store;
using ActorJobs.Persistence;
using Microsoft.Extensions.Logging;

namespace ActorJobs.Jobs.Actors;

/// <summary>
/// One job's event-sourced owner: it decides every command with <see cref="JobStateMachine"/>, persists the events
/// with the job's row, publishes them, and stops (passivates) as soon as the job needs no actor, so memory follows
/// running jobs, not queued ones. A job claimed on this node starts with the state the claim wrote (no replay) and
/// drives its worker; any other job is recovered from its journal when a command arrives.
/// </summary>
internal sealed partial class JobActor : ReceivePersistentActor, IWithTimers
{
    private const string GraceTimer = "cancel-grace";
    private const string ProgressTimer = "progress";

    // Hand-backs before a command for a job owned here but not running here is left as an owner request instead
    // (a node restarted under its old id owns jobs no actor of it runs).
    private const int MaxHops = 20;

    private readonly string _jobId;
    private readonly JobRuntime _runtime;
    private readonly IActorRef? _worker;
    private readonly long? _knownVersion;
    private JobState? _state;
    private bool _attemptRunning;
    private bool _passivating;
    private IActorRef? _replyTo;
    private AttemptProgressed? _unsavedProgress;
    private DateTimeOffset _lastProgressSaved;

    public JobActor(string jobId, JobRuntime runtime, JobState? claimed, IActorRef? worker)
    {
        _jobId = jobId;
        _runtime = runtime;
        _state = claimed;
        _worker = worker;
        _knownVersion = claimed?.Version;

        Recover<JobEvent>(e => _state = JobStateMachine.Apply(_state, e));
        Recover<RecoveryCompleted>(_ => OnRecovered());
        Command<JobCommandEnvelope>(Handle);
        Command<AttemptProgressed>(OnProgress);
        Command<AttemptEnded>(OnAttemptEnded);
        Command<LeaseLost>(_ =>
        {
            LogLeaseLost(_runtime.Logger, _jobId);
            _worker?.Tell(new AbandonAttempt(_jobId));
            _attemptRunning = false;
            Context.Stop(Self);
        });
        Command<GraceExpired>(_ => Decide(new ConfirmCanceled { At = Now, Forced = true }, replyTo: null));
        Command<FlushProgress>(_ => SaveProgress());
        Command<JobDrainRequest>(request =>
        {
            if (request is ReleaseAttempt)
            {
                Release();
            }
            else
            {
                Sender.Tell(JobSettled.Instance); // SettleJob: any write in flight has been persisted by now
            }
        });
        Command<StopJobActor>(_ =>
        {
            if (_attemptRunning)
            {
                _passivating = false;
                return;
            }

            Context.Stop(Self);
        });
    }

    public override string PersistenceId => _jobId;

    public ITimerScheduler Timers { get; set; } = null!;

    protected override long? KnownSequenceNr => _knownVersion;

    private DateTimeOffset Now => _runtime.Clock.GetUtcNow();

    protected override void PostStop()
    {
        // Stopped while its attempt runs (it failed: see JobRegion's supervision). Its lease will lapse, so the handler
        // must not go on running for a job this node no longer drives.
        if (_attemptRunning)
        {
            _attemptRunning = false;
            _worker?.Tell(new AbandonAttempt(_jobId));
        }

        base.PostStop();
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        base.OnPersistRejected(cause, @event, sequenceNr);
        _replyTo?.Tell(new JobCommandReply(_state, new JobRejection(JobRejectionCode.Conflict, $"Job {_jobId} was changed by another writer at the same moment; ask again.")));
        _replyTo = null;
        if (_attemptRunning)
        {
            _worker?.Tell(new AbandonAttempt(_jobId));
        }
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        base.OnPersistFailure(cause, @event, sequenceNr);
        _replyTo?.Tell(new Status.Failure(cause));
        _replyTo = null;

        // The attempt goes on only if the lease is kept; without a durable record it is safer to let the lease expire.
        if (_attemptRunning)
        {
            _worker?.Tell(new AbandonAttempt(_jobId));
        }
    }

    private void OnRecovered()
    {
        if (_worker is not null && _state is { Status: JobStatus.Running } state && _knownVersion is not null)
        {
            _attemptRunning = true;
            if (state.Attempt == 1 && _runtime.SubmitAnnouncements.TryTake(state.Id, out var submitted))
            {
                // Claimed before its submitter heard of the commit: announce the submit first, as it happened first.
                _runtime.System.EventStream.Publish(new JobLifecycleEvent("job.submitted", JobStateMachine.Apply(null, submitted)));
            }

            _runtime.Published(state, [new JobClaimed { At = state.StartedAt ?? Now, Attempt = state.Attempt, Owner = state.LeaseOwner ?? "", Fence = state.Fence }]);
            _worker.Tell(new StartAttempt(state, Self));
        }
    }

    private void Handle(JobCommandEnvelope envelope)
    {
        if (_state is null || (envelope.Tenant is not null && envelope.Tenant != _state.Tenant))
        {
            Sender.Tell(new JobCommandReply(null, new JobRejection(JobRejectionCode.NotFound, $"Job {envelope.JobId} does not exist.")));
            PassivateIfIdle();
            return;
        }

        // This node just claimed the job and its attempt's actor starts once this one has stopped: hand the command back
        // to the region, which queues it for that actor. Only writes by the attempt's actor keep the fence in step.
        var ownedHere = _state.LeaseOwner == _runtime.Settings.NodeId;
        if (_state.Status.IsOwned() && !_attemptRunning && ownedHere && envelope.Hops < MaxHops)
        {
            PassivateIfIdle();
            Context.Parent.Tell(envelope with { Hops = envelope.Hops + 1 }, Sender);
            return;
        }

        // A running job is driven by the node that owns it: leave the request for that node.
        if (_state.Status.IsOwned() && !_attemptRunning && envelope.Command is CancelJob or SuspendJob or ResumeJob)
        {
            var decision = JobStateMachine.Decide(_state, envelope.Command);
            if (!decision.IsAccepted)
            {
                Sender.Tell(new JobCommandReply(_state, decision.Rejection));
                PassivateIfIdle();
                return;
            }

            var request = envelope.Command switch
            {
                CancelJob => OwnerRequest.Cancel,
                SuspendJob => OwnerRequest.Suspend,
                _ => OwnerRequest.Resume,
            };
            var state = _state;
            _runtime.Store.Index.RequestOfOwnerAsync(_jobId, request).PipeTo(Sender, Self, () => new JobCommandReply(state, null, ForwardedToOwner: true));
            PassivateIfIdle();
            return;
        }

        Decide(envelope.Command, Sender);
    }

    private void Decide(JobCommand command, IActorRef? replyTo)
    {
        var state = _state!;
        var decision = JobStateMachine.Decide(state, command);
        if (!decision.IsAccepted || decision.Events.Count == 0)
        {
            replyTo?.Tell(new JobCommandReply(state, decision.Rejection));
            PassivateIfIdle();
            return;
        }

        var events = decision.Events;
        var after = JobStateMachine.ApplyAll(state, events)!;
        _replyTo = replyTo;
        PersistTransition(events, after, () =>
        {
            _state = after;
            _replyTo?.Tell(new JobCommandReply(after, null));
            _replyTo = null;
            _runtime.Published(after, events);
            AfterTransition(after);
        });
    }

    private void AfterTransition(JobState after)
    {
        if (_attemptRunning)
        {
            switch (after.Status)
            {
                case JobStatus.Canceling:
                    _worker!.Tell(new StopAttempt(_jobId, StopReason.Cancel));
                    if (!Timers.IsTimerActive(GraceTimer))
                    {
                        Timers.StartSingleTimer(GraceTimer, GraceExpired.Instance, _runtime.Settings.CancelGracePeriod);
                    }

                    break;
                case JobStatus.Suspending:
                    _worker!.Tell(new StopAttempt(_jobId, StopReason.Suspend));
                    break;
                case JobStatus.Canceled:
                    _worker!.Tell(new AbandonAttempt(_jobId));
                    _attemptRunning = false;
                    break;
            }
        }

        PassivateIfIdle();
    }

    private void OnProgress(AttemptProgressed progress)
    {
        if (!_attemptRunning || _state is null)
        {
            return;
        }

        _unsavedProgress = progress;
        _runtime.System.EventStream.Publish(new JobLifecycleEvent("job.progress", _state with { Progress = progress.Progress, ProgressDetails = progress.Details }));
        // One reading of the clock: read again for the delay, it may have passed the due time meanwhile (a loaded
        // machine), and a negative delay throws, which restarted this actor and lost its attempt.
        var now = Now;
        var due = _lastProgressSaved + _runtime.Settings.ProgressPersistInterval;
        if (now >= due)
        {
            SaveProgress();
        }
        else if (!Timers.IsTimerActive(ProgressTimer))
        {
            Timers.StartSingleTimerAt(ProgressTimer, FlushProgress.Instance, due);
        }
    }

    private void SaveProgress()
    {
        if (_unsavedProgress is not { } progress || _state is null || !_state.Status.IsOwned())
        {
            return;
        }

        _unsavedProgress = null;
        _lastProgressSaved = Now;
        var decision = JobStateMachine.Decide(_state, new ReportProgress { At = Now, Progress = progress.Progress, Details = progress.Details });
        if (decision.IsAccepted && decision.Events.Count > 0)
        {
            var after = JobStateMachine.ApplyAll(_state, decision.Events)!;
            PersistTransition(decision.Events, after, () => _state = after);
        }
    }

    private void OnAttemptEnded(AttemptEnded ended)
    {
        if (!_attemptRunning || _state is null)
        {
            return;
        }

        _attemptRunning = false;
        Timers.Cancel(GraceTimer);
        Timers.Cancel(ProgressTimer);
        var now = Now;
        JobCommand command = ended.Outcome switch
        {
            AttemptOutcome.Succeeded => new CompleteAttempt { At = now, Result = ended.Result },
            AttemptOutcome.Canceled => _state.Status == JobStatus.Canceling
                ? new ConfirmCanceled { At = now }
                : new FailAttempt { At = now, Failure = AttemptFailure.Error, Error = ended.Error ?? "canceled", JitterSample = _runtime.Settings.Random() },
            AttemptOutcome.Suspended => _state.Status is JobStatus.Suspending or JobStatus.Resuming
                ? new ConfirmSuspended { At = now, Checkpoint = ended.Checkpoint }
                : new FailAttempt { At = now, Failure = AttemptFailure.Error, Error = "the handler stopped as if suspended", JitterSample = _runtime.Settings.Random() },
            AttemptOutcome.TimedOut => new FailAttempt { At = now, Failure = AttemptFailure.Timeout, Error = ended.Error ?? "timed out", JitterSample = _runtime.Settings.Random() },
            AttemptOutcome.FailedPermanently => new FailAttempt { At = now, Failure = AttemptFailure.Permanent, Error = ended.Error ?? "failed", JitterSample = _runtime.Settings.Random() },
            _ => new FailAttempt { At = now, Failure = AttemptFailure.Error, Error = ended.Error ?? "failed", JitterSample = _runtime.Settings.Random() },
        };
        Decide(command, replyTo: null);
    }

    /// <summary>Persists the events with the row they lead to; <paramref name="persisted"/> runs once all are committed.</summary>
    private void PersistTransition(IReadOnlyList<JobEvent> events, JobState after, Action persisted)
    {
        var last = events[^1];
        PersistAll(events, e =>
        {
            if (ReferenceEquals(e, last))
            {
                persisted();
            }
        }, new JobRowUpdate(after));
    }

    /// <summary>
    /// Asks the region to stop this actor when it runs no attempt. The region buffers new messages for the job until
    /// the actor has stopped, and its stop message queues behind anything already sent here, so nothing is lost.
    /// </summary>
    private void PassivateIfIdle()
    {
        if (!_attemptRunning && !_passivating)
        {
            _passivating = true;
            Context.Parent.Tell(new Passivate(Self));
        }
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "Job {JobId}: this node no longer holds its lease (it lapsed before the handler started, or the job was rescued or finished elsewhere); the attempt is abandoned")]
    private static partial void LogLeaseLost(ILogger logger, string jobId);

    private sealed record GraceExpired
    {
        public static readonly GraceExpired Instance = new();
    }

    private sealed record FlushProgress
    {
        public static readonly FlushProgress Instance = new();
    }
}
