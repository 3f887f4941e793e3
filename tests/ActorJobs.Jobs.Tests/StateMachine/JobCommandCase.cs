namespace ActorJobs.Jobs.Tests.StateMachine;

/// <summary>
/// One column of the (status × command) table: a command, made for the job it is sent to, and how that job is
/// prepared first (on its last attempt; or of a type that is not suspendable).
/// </summary>
internal sealed record JobCommandCase(string Name, Func<JobState, JobCommand> Make, bool LastAttempt = false, bool NotSuspendable = false)
{
    public static IReadOnlyList<JobCommandCase> All { get; } =
    [
        new("claim", s => new ClaimJob { At = JobHistory.Next(s), Owner = "node-b" }),
        new("claim, not due", s => new ClaimJob { At = s.ScheduledAt.AddSeconds(-1), Owner = "node-b" }),
        new("progress", s => new ReportProgress { At = JobHistory.Next(s), Progress = 0.5, Details = "half way" }),
        new("complete", s => new CompleteAttempt { At = JobHistory.Next(s), Result = "{\"rows\":10}" }),
        new("fail error", s => JobHistory.Fail(JobHistory.Next(s), AttemptFailure.Error)),
        new("fail error, last attempt", s => JobHistory.Fail(JobHistory.Next(s), AttemptFailure.Error), LastAttempt: true),
        new("fail permanent", s => JobHistory.Fail(JobHistory.Next(s), AttemptFailure.Permanent)),
        new("fail permanent, last attempt", s => JobHistory.Fail(JobHistory.Next(s), AttemptFailure.Permanent), LastAttempt: true),
        new("fail timeout", s => JobHistory.Fail(JobHistory.Next(s), AttemptFailure.Timeout)),
        new("fail timeout, last attempt", s => JobHistory.Fail(JobHistory.Next(s), AttemptFailure.Timeout), LastAttempt: true),
        new("fail crash", s => JobHistory.Fail(JobHistory.Next(s), AttemptFailure.Crash)),
        new("fail crash, last attempt", s => JobHistory.Fail(JobHistory.Next(s), AttemptFailure.Crash), LastAttempt: true),
        new("cancel", s => new CancelJob { At = JobHistory.Next(s), Reason = "changed my mind" }),
        new("confirm canceled", s => new ConfirmCanceled { At = JobHistory.Next(s) }),
        new("confirm canceled, forced", s => new ConfirmCanceled { At = JobHistory.Next(s), Forced = true }),
        new("suspend", s => new SuspendJob { At = JobHistory.Next(s) }),
        new("suspend, type not suspendable", s => new SuspendJob { At = JobHistory.Next(s) }, NotSuspendable: true),
        new("confirm suspended", s => new ConfirmSuspended { At = JobHistory.Next(s), Checkpoint = "{\"page\":4}" }),
        new("resume", s => new ResumeJob { At = JobHistory.Next(s) }),
        new("requeue", s => new RequeueJob { At = JobHistory.Next(s) }),
        new("skip", s => new SkipJob { At = JobHistory.Next(s), Reason = "overlap" }),
        new("expire lease", s => new ExpireLease { At = JobHistory.Next(s), JitterSample = 0.5 }),
        new("expire lease, last attempt", s => new ExpireLease { At = JobHistory.Next(s), JitterSample = 0.5 }, LastAttempt: true),
        new("release", s => new ReleaseJob { At = JobHistory.Next(s) }),
        new("release, last attempt", s => new ReleaseJob { At = JobHistory.Next(s) }, LastAttempt: true),
        new("submit again", s => new SubmitJob { At = JobHistory.Next(s), Submitted = JobHistory.Submitted() with { At = JobHistory.Next(s) } }),
    ];

    public static JobCommandCase Named(string name) =>
        All.SingleOrDefault(c => c.Name == name) ?? throw new ArgumentException($"No command case is named '{name}'.", nameof(name));

    /// <summary>The job in <paramref name="status"/> this command is sent to.</summary>
    public JobState JobIn(JobStatus status)
    {
        var job = JobHistory.In(status, LastAttempt);
        return NotSuspendable ? job with { Suspendable = false } : job;
    }
}
