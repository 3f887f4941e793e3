namespace ActorJobs.Jobs;

/// <summary>
/// The job's rules as two pure functions, with no actors, clocks or stores in them:
/// <see cref="Decide"/> turns (state, command) into events or a reasoned rejection, and <see cref="Apply"/> folds
/// (state, event) into the next state. The JobActor, the stores' claim and rescue, and the tests all use these.
/// </summary>
public static class JobStateMachine
{
    /// <summary>Decides what <paramref name="command"/> does to a job in <paramref name="state"/> (null: the job does not exist).</summary>
    public static JobDecision Decide(JobState? state, JobCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command is SubmitJob submit)
        {
            return state is null
                ? JobDecision.Accept(submit.Submitted)
                : JobDecision.Reject(JobRejectionCode.Conflict, $"Job {state.Id} already exists; it is {state.Status.WireName()}.");
        }

        if (state is null)
        {
            return JobDecision.Reject(JobRejectionCode.NotFound, "No such job.");
        }

        return command switch
        {
            ClaimJob claim => Claim(state, claim),
            ReportProgress progress => Progress(state, progress),
            CompleteAttempt complete => state.Status.IsOwned()
                ? JobDecision.Accept(new JobCompleted { At = complete.At, Result = complete.Result })
                : NotAllowed(state, "complete", "running"),
            FailAttempt fail => Fail(state, fail.Failure, fail.Error, fail.JitterSample, fail.At),
            CancelJob cancel => Cancel(state, cancel),
            ConfirmCanceled confirm => state.Status == JobStatus.Canceling
                ? JobDecision.Accept(new JobCanceled { At = confirm.At, Forced = confirm.Forced, Reason = confirm.Forced ? "the handler did not stop within the grace period" : null })
                : NotAllowed(state, "confirm the cancel of", "canceling"),
            SuspendJob suspend => Suspend(state, suspend),
            ConfirmSuspended confirm => state.Status switch
            {
                JobStatus.Suspending => JobDecision.Accept(new JobSuspended { At = confirm.At, Checkpoint = confirm.Checkpoint }),
                JobStatus.Resuming => JobDecision.Accept(new JobSuspended { At = confirm.At, Checkpoint = confirm.Checkpoint }, new JobResumed { At = confirm.At }),
                _ => NotAllowed(state, "confirm the suspension of", "suspending or resuming"),
            },
            ResumeJob resume => state.Status switch
            {
                JobStatus.Suspended => JobDecision.Accept(new JobResumed { At = resume.At }),
                JobStatus.Suspending => JobDecision.Accept(new JobResumeRequested { At = resume.At }),
                JobStatus.Resuming => JobDecision.Accept(),
                _ => NotAllowed(state, "resume", "suspended or suspending"),
            },
            RequeueJob requeue => state.Status.IsRequeueable()
                ? JobDecision.Accept(new JobRequeued { At = requeue.At, MaxAttempts = state.Attempt + state.Retry.MaxAttempts })
                : NotAllowed(state, "retry", "failed, canceled, timeout or dead-lettered"),
            SkipJob skip => state.Status is JobStatus.Waiting or JobStatus.Retrying or JobStatus.Suspended
                ? JobDecision.Accept(new JobSkipped { At = skip.At, Reason = skip.Reason })
                : NotAllowed(state, "skip", "waiting, retrying or suspended"),
            ExpireLease expire => ExpireLease(state, expire),
            ReleaseJob release => JobRelease.Decide(state, release),
            _ => JobDecision.Reject(JobRejectionCode.Invalid, $"{command.GetType().Name} is not a job command."),
        };
    }

    /// <summary>The state after <paramref name="event"/> (on null: the job's first state, from <see cref="JobSubmitted"/>).</summary>
    /// <exception cref="InvalidOperationException">The event cannot follow the state (a corrupt history).</exception>
    public static JobState Apply(JobState? state, JobEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        if (@event is JobSubmitted submitted)
        {
            if (state is not null)
            {
                throw new InvalidOperationException($"Job {state.Id} has a second job.submitted event at version {state.Version + 1}.");
            }

            return new JobState
            {
                Id = submitted.JobId,
                Tenant = submitted.Tenant,
                Owner = submitted.Owner,
                IdempotencyKey = submitted.IdempotencyKey,
                Type = submitted.Type,
                Queue = submitted.Queue,
                Priority = submitted.Priority,
                Params = submitted.Params,
                Resources = submitted.Resources,
                Status = JobStatus.Waiting,
                Timeout = submitted.Timeout,
                Retry = submitted.Retry,
                MaxAttempts = submitted.Retry.MaxAttempts,
                Suspendable = submitted.Suspendable,
                CreatedAt = submitted.At,
                ScheduledAt = submitted.NotBefore,
                UpdatedAt = submitted.At,
                Version = 1,
            };
        }

        if (state is null)
        {
            throw new InvalidOperationException($"A job's history must start with job.submitted, not {@event.GetType().Name}.");
        }

        // The two transitions nearly every job makes are built in one step (one JobState, not three): a drain allocates
        // them per job. They say the same as the general form below would.
        switch (@event)
        {
            case JobClaimed claimed:
                return state with
                {
                    Status = JobStatus.Running,
                    Attempt = claimed.Attempt,
                    LeaseOwner = claimed.Owner,
                    Fence = claimed.Fence,
                    StartedAt = claimed.At,
                    Error = null,
                    Progress = state.Checkpoint is null ? 0 : state.Progress,
                    UpdatedAt = claimed.At,
                    Version = state.Version + 1,
                };
            case JobCompleted completed:
                return state with
                {
                    Status = JobStatus.Completed,
                    FinishedAt = completed.At,
                    LeaseOwner = null,
                    Result = completed.Result,
                    Progress = 1,
                    Checkpoint = null,
                    UpdatedAt = completed.At,
                    Version = state.Version + 1,
                };
        }

        var next = @event switch
        {
            JobProgressed progressed => state with { Progress = progressed.Progress, ProgressDetails = progressed.Details },
            JobAttemptFailed failed => failed.Outcome == JobStatus.Retrying
                ? state with { Status = JobStatus.Retrying, Error = failed.Error, ScheduledAt = failed.RetryAt ?? failed.At, LeaseOwner = null }
                : Finish(state, failed.Outcome, failed.At) with { Error = failed.Error },
            JobCancelRequested => state with { Status = JobStatus.Canceling },
            JobCanceled canceled => Finish(state, JobStatus.Canceled, canceled.At) with { Error = canceled.Reason ?? state.Error },
            JobSuspendRequested => state with { Status = JobStatus.Suspending },
            JobSuspended suspended => state with
            {
                Status = JobStatus.Suspended,
                Checkpoint = suspended.Checkpoint ?? state.Checkpoint,
                LeaseOwner = null,

                // An attempt cut short by a suspension did not fail: it gives its place in the budget back, so the
                // claim that resumes the job neither costs a retry nor runs past the last attempt.
                MaxAttempts = state.Status.IsOwned() ? state.MaxAttempts + 1 : state.MaxAttempts,
            },
            JobResumeRequested => state with { Status = JobStatus.Resuming },
            JobResumed resumed => state with { Status = JobStatus.Waiting, ScheduledAt = resumed.At },
            JobRequeued requeued => state with
            {
                Status = JobStatus.Waiting,
                MaxAttempts = requeued.MaxAttempts,
                ScheduledAt = requeued.At,
                FinishedAt = null,
                Error = null,
                Result = null,
                Checkpoint = null,
            },
            JobSkipped skipped => Finish(state, JobStatus.Skipped, skipped.At) with { Error = skipped.Reason },
            JobReleased released => state with
            {
                Status = JobStatus.Waiting,
                LeaseOwner = null,
                ScheduledAt = released.At,

                // Like a suspension, a released attempt did not fail: its place in the budget is given back.
                MaxAttempts = state.MaxAttempts + 1,
            },
            _ => throw new InvalidOperationException($"{@event.GetType().Name} is not a job event."),
        };
        return next with { UpdatedAt = @event.At, Version = state.Version + 1 };
    }

    /// <summary>Applies several events in order.</summary>
    public static JobState? ApplyAll(JobState? state, IEnumerable<JobEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
        {
            state = Apply(state, e);
        }

        return state;
    }

    private static JobState Finish(JobState state, JobStatus status, DateTimeOffset at) =>
        state with { Status = status, FinishedAt = at, LeaseOwner = null };

    private static JobDecision Claim(JobState state, ClaimJob claim)
    {
        if (!state.Status.IsClaimable())
        {
            return NotAllowed(state, "claim", "waiting or retrying");
        }

        if (state.ScheduledAt > claim.At)
        {
            return JobDecision.Reject(
                JobRejectionCode.InvalidState, $"Cannot claim job {state.Id}: it is {state.Status.WireName()} and not due until {state.ScheduledAt:O}.");
        }

        return JobDecision.Accept(new JobClaimed { At = claim.At, Attempt = state.Attempt + 1, Owner = claim.Owner, Fence = state.Version + 1 });
    }

    private static JobDecision Progress(JobState state, ReportProgress progress)
    {
        if (double.IsNaN(progress.Progress) || progress.Progress is < 0 or > 1)
        {
            return JobDecision.Reject(JobRejectionCode.Invalid, $"progress: {progress.Progress} is out of range; use 0 to 1.");
        }

        return state.Status.IsOwned()
            ? JobDecision.Accept(new JobProgressed { At = progress.At, Progress = progress.Progress, Details = progress.Details })
            : NotAllowed(state, "report progress for", "running");
    }

    private static JobDecision Fail(JobState state, AttemptFailure failure, string error, double jitter, DateTimeOffset at)
    {
        if (!state.Status.IsOwned())
        {
            return NotAllowed(state, "fail an attempt of", "running");
        }

        if (state.Status == JobStatus.Canceling)
        {
            return JobDecision.Accept(new JobCanceled { At = at, Reason = $"canceled; the attempt ended with: {error}" });
        }

        var attemptsLeft = state.Attempt < state.MaxAttempts;
        var outcome = failure switch
        {
            AttemptFailure.Permanent => JobStatus.Failed,
            AttemptFailure.Timeout when state.Retry.RetryOnTimeout && attemptsLeft => JobStatus.Retrying,
            AttemptFailure.Timeout => JobStatus.TimedOut,
            _ when attemptsLeft => JobStatus.Retrying,
            _ => state.Retry.DeadLetter ? JobStatus.DeadLettered : JobStatus.Failed,
        };
        return JobDecision.Accept(new JobAttemptFailed
        {
            At = at,
            Attempt = state.Attempt,
            Failure = failure,
            Error = error,
            Outcome = outcome,
            RetryAt = outcome == JobStatus.Retrying ? RetryTime(at, state.Retry.DelayAfter(state.Attempt, jitter)) : null,
        });
    }

    // A retry delay is not bounded (a submission may ask for any), so it can reach past the calendar's end.
    private static DateTimeOffset RetryTime(DateTimeOffset at, TimeSpan delay) =>
        delay > DateTimeOffset.MaxValue - at ? DateTimeOffset.MaxValue : at + delay;

    private static JobDecision Cancel(JobState state, CancelJob cancel) => state.Status switch
    {
        JobStatus.Waiting or JobStatus.Retrying or JobStatus.Suspended => JobDecision.Accept(new JobCanceled { At = cancel.At, Reason = cancel.Reason }),
        JobStatus.Running or JobStatus.Suspending or JobStatus.Resuming => JobDecision.Accept(new JobCancelRequested { At = cancel.At, Reason = cancel.Reason }),
        JobStatus.Canceling => JobDecision.Accept(),
        _ => NotAllowed(state, "cancel", "waiting, retrying, suspended or running"),
    };

    private static JobDecision Suspend(JobState state, SuspendJob suspend) => state.Status switch
    {
        JobStatus.Waiting or JobStatus.Retrying => JobDecision.Accept(new JobSuspended { At = suspend.At }),
        JobStatus.Running or JobStatus.Resuming when state.Suspendable => JobDecision.Accept(new JobSuspendRequested { At = suspend.At }),
        JobStatus.Running or JobStatus.Resuming => JobDecision.Reject(
            JobRejectionCode.NotSuspendable, $"Job {state.Id} is {state.Status.WireName()} and its type '{state.Type}' is not suspendable; cancel it instead."),
        JobStatus.Suspending or JobStatus.Suspended => JobDecision.Accept(),
        _ => NotAllowed(state, "suspend", "waiting, retrying or running"),
    };

    private static JobDecision ExpireLease(JobState state, ExpireLease expire) => state.Status switch
    {
        JobStatus.Running or JobStatus.Resuming => Fail(
            state, AttemptFailure.Crash, $"the lease of node '{state.LeaseOwner}' expired while attempt {state.Attempt} ran", expire.JitterSample, expire.At),
        JobStatus.Canceling => JobDecision.Accept(new JobCanceled { At = expire.At, Forced = true, Reason = $"the lease of node '{state.LeaseOwner}' expired while canceling" }),
        JobStatus.Suspending => JobDecision.Accept(new JobSuspended { At = expire.At, Checkpoint = null }),
        _ => NotAllowed(state, "expire the lease of", "running, suspending, resuming or canceling"),
    };

    private static JobDecision NotAllowed(JobState state, string verb, string allowed) =>
        JobDecision.Reject(JobRejectionCode.InvalidState, $"Cannot {verb} job {state.Id}: it is {state.Status.WireName()}; only {allowed} jobs allow it.");
}
