namespace ActorJobs.Jobs.Tests.StateMachine;

/// <summary>
/// Jobs in every status, each reached by running real commands through the state machine from a submit (never by
/// setting <see cref="JobState.Status"/>), so a test starts from a state the engine can actually produce.
/// </summary>
internal static class JobHistory
{
    public const string JobId = "job-42";
    public const string Node = "node-a";
    public const string Checkpoint = "{\"page\":3}";

    public static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Two attempts in all, a fixed one-minute delay and no jitter, so retry times are exact.</summary>
    public static readonly RetryPolicy TwoAttempts = new(1, BackoffKind.Fixed, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), Jitter: 0);

    /// <summary>The first event of a job that may not start before T0 + 10 minutes.</summary>
    public static JobSubmitted Submitted(RetryPolicy? retry = null, bool suspendable = true) => new()
    {
        At = T0,
        JobId = JobId,
        Tenant = "acme",
        Owner = "alice",
        IdempotencyKey = "key-1",
        Type = "report",
        Queue = "compute",
        Priority = 7,
        Params = "{\"count\":3}",
        Resources = ["gpu"],
        NotBefore = T0.AddMinutes(10),
        Timeout = TimeSpan.FromMinutes(5),
        Retry = retry ?? TwoAttempts,
        Suspendable = suspendable,
    };

    /// <summary>A moment after the job's last event and once it is due: any command "now".</summary>
    public static DateTimeOffset Next(JobState state) => (state.ScheduledAt > state.UpdatedAt ? state.ScheduledAt : state.UpdatedAt).AddMinutes(1);

    /// <summary>
    /// A job of a suspendable type with two attempts in <paramref name="status"/>. With <paramref name="lastAttempt"/>
    /// the owned statuses (running, suspending, resuming, canceling) run the last attempt, after a first one failed;
    /// timeout and dead-lettered always ended on the last attempt; the others have never failed.
    /// </summary>
    public static JobState In(JobStatus status, bool lastAttempt = false)
    {
        var waiting = JobStateMachine.Apply(null, Submitted());
        var running = lastAttempt ? Running(Retrying(waiting)) : Running(waiting);
        return status switch
        {
            JobStatus.Waiting => waiting,
            JobStatus.Running => running,
            JobStatus.Retrying => Retrying(waiting),
            JobStatus.Suspending => Run(running, at => new SuspendJob { At = at }),
            JobStatus.Suspended => Run(In(JobStatus.Suspending, lastAttempt), at => new ConfirmSuspended { At = at, Checkpoint = Checkpoint }),
            JobStatus.Resuming => Run(In(JobStatus.Suspending, lastAttempt), at => new ResumeJob { At = at }),
            JobStatus.Canceling => Run(running, at => new CancelJob { At = at, Reason = "not needed" }),
            JobStatus.Completed => Run(running, at => new CompleteAttempt { At = at, Result = "{\"rows\":10}" }),
            JobStatus.Failed => Run(running, at => Fail(at, AttemptFailure.Permanent)),
            JobStatus.Canceled => Run(waiting, at => new CancelJob { At = at, Reason = "not needed" }),
            JobStatus.TimedOut => Run(Running(Retrying(waiting)), at => Fail(at, AttemptFailure.Timeout)),
            JobStatus.Skipped => Run(waiting, at => new SkipJob { At = at, Reason = "overlap" }),
            JobStatus.DeadLettered => Run(Running(Retrying(waiting)), at => Fail(at, AttemptFailure.Error)),
            _ => throw new ArgumentOutOfRangeException(nameof(status), status, "No history reaches this status."),
        };
    }

    /// <summary>Decides <paramref name="command"/> at <see cref="Next"/> and applies its events; the command must be accepted.</summary>
    public static JobState Run(JobState state, Func<DateTimeOffset, JobCommand> command)
    {
        var decision = JobStateMachine.Decide(state, command(Next(state)));
        if (!decision.IsAccepted)
        {
            throw new InvalidOperationException($"The history could not be built: {decision.Rejection!.Message}");
        }

        return JobStateMachine.ApplyAll(state, decision.Events)!;
    }

    public static FailAttempt Fail(DateTimeOffset at, AttemptFailure failure) =>
        new() { At = at, Failure = failure, Error = $"boom ({failure})", JitterSample = 0.5 };

    private static JobState Running(JobState claimable) => Run(claimable, at => new ClaimJob { At = at, Owner = Node });

    private static JobState Retrying(JobState waiting) => Run(Running(waiting), at => Fail(at, AttemptFailure.Error));
}
