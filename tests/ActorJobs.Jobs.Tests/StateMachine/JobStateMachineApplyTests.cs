using static ActorJobs.Jobs.Tests.StateMachine.JobHistory;

namespace ActorJobs.Jobs.Tests.StateMachine;

/// <summary>What each event does to a job's state (<see cref="JobStateMachine.Apply"/>).</summary>
public sealed class JobStateMachineApplyTests
{
    public static TheoryData<JobStatus, bool> EveryStatus()
    {
        var data = new TheoryData<JobStatus, bool>();
        foreach (var status in JobStatuses.All)
        {
            data.Add(status, false);
            data.Add(status, true);
        }

        return data;
    }

    [Fact]
    public void A_submitted_event_makes_a_waiting_job_of_everything_it_carries()
    {
        var job = JobStateMachine.Apply(null, Submitted());

        Assert.Equal(JobId, job.Id);
        Assert.Equal("acme", job.Tenant);
        Assert.Equal("alice", job.Owner);
        Assert.Equal("key-1", job.IdempotencyKey);
        Assert.Equal("report", job.Type);
        Assert.Equal("compute", job.Queue);
        Assert.Equal(7, job.Priority);
        Assert.Equal("{\"count\":3}", job.Params);
        Assert.Equal(["gpu"], job.Resources);
        Assert.Equal(JobStatus.Waiting, job.Status);
        Assert.Equal(TimeSpan.FromMinutes(5), job.Timeout);
        Assert.Equal(TwoAttempts, job.Retry);
        Assert.Equal(0, job.Attempt);
        Assert.Equal(2, job.MaxAttempts);
        Assert.True(job.Suspendable);
        Assert.Equal(T0, job.CreatedAt);
        Assert.Equal(T0.AddMinutes(10), job.ScheduledAt);
        Assert.Equal(T0, job.UpdatedAt);
        Assert.Null(job.StartedAt);
        Assert.Null(job.FinishedAt);
        Assert.Null(job.LeaseOwner);
        Assert.Equal(1, job.Version);
    }

    [Fact]
    public void Every_event_adds_one_to_the_version_and_sets_the_update_time_to_its_own()
    {
        JobEvent[] history =
        [
            Submitted(),
            new JobClaimed { At = T0.AddMinutes(11), Attempt = 1, Owner = Node, Fence = 2 },
            new JobProgressed { At = T0.AddMinutes(12), Progress = 0.3 },
            new JobSuspendRequested { At = T0.AddMinutes(13) },
            new JobResumeRequested { At = T0.AddMinutes(14) },
            new JobSuspended { At = T0.AddMinutes(15), Checkpoint = Checkpoint },
            new JobResumed { At = T0.AddMinutes(16) },
            new JobClaimed { At = T0.AddMinutes(17), Attempt = 2, Owner = Node, Fence = 8 },
            new JobCancelRequested { At = T0.AddMinutes(18) },
            new JobCanceled { At = T0.AddMinutes(19) },
            new JobRequeued { At = T0.AddMinutes(20), MaxAttempts = 4 },
            new JobClaimed { At = T0.AddMinutes(21), Attempt = 3, Owner = Node, Fence = 12 },
            new JobAttemptFailed { At = T0.AddMinutes(22), Attempt = 3, Failure = AttemptFailure.Error, Error = "boom", Outcome = JobStatus.Retrying, RetryAt = T0.AddMinutes(23) },
            new JobClaimed { At = T0.AddMinutes(24), Attempt = 4, Owner = Node, Fence = 14 },
            new JobCompleted { At = T0.AddMinutes(25), Result = "{}" },
        ];

        JobState? job = null;
        for (var i = 0; i < history.Length; i++)
        {
            job = JobStateMachine.Apply(job, history[i]);

            Assert.Equal(i + 1, job.Version);
            Assert.Equal(history[i].At, job.UpdatedAt);
        }

        Assert.Equal(JobStatus.Completed, job!.Status);
    }

    [Theory]
    [MemberData(nameof(EveryStatus))]
    public void The_lease_owner_is_kept_while_the_job_is_owned_and_cleared_when_it_leaves(JobStatus status, bool lastAttempt)
    {
        var job = In(status, lastAttempt);

        Assert.Equal(status.IsOwned() ? Node : null, job.LeaseOwner);
    }

    [Theory]
    [MemberData(nameof(EveryStatus))]
    public void A_final_status_sets_the_finish_time_and_no_other_status_has_one(JobStatus status, bool lastAttempt)
    {
        var job = In(status, lastAttempt);

        Assert.Equal(status.IsFinal() ? job.UpdatedAt : null, job.FinishedAt);
    }

    [Fact]
    public void A_claim_starts_the_next_attempt_under_a_fence_equal_to_its_own_sequence_number_and_clears_the_last_error()
    {
        var retrying = In(JobStatus.Retrying);
        Assert.Equal("boom (Error)", retrying.Error);

        var running = Run(retrying, at => new ClaimJob { At = at, Owner = "node-b" });

        Assert.Equal(JobStatus.Running, running.Status);
        Assert.Equal(2, running.Attempt);
        Assert.Equal("node-b", running.LeaseOwner);
        Assert.Equal(running.Version, running.Fence);
        Assert.Equal(running.UpdatedAt, running.StartedAt);
        Assert.Null(running.Error);
    }

    [Fact]
    public void A_retry_is_scheduled_at_the_failure_events_retry_time()
    {
        var running = In(JobStatus.Running);
        var failedAt = Next(running);

        var retrying = JobStateMachine.Apply(running, new JobAttemptFailed
        {
            At = failedAt, Attempt = 1, Failure = AttemptFailure.Error, Error = "disk full", Outcome = JobStatus.Retrying, RetryAt = failedAt.AddMinutes(7),
        });

        Assert.Equal(JobStatus.Retrying, retrying.Status);
        Assert.Equal(failedAt.AddMinutes(7), retrying.ScheduledAt);
        Assert.Equal("disk full", retrying.Error);
        Assert.Null(retrying.LeaseOwner);
        Assert.Null(retrying.FinishedAt);
    }

    [Fact]
    public void A_retry_without_a_retry_time_is_due_at_once()
    {
        var running = In(JobStatus.Running);
        var failedAt = Next(running);

        var retrying = JobStateMachine.Apply(running, new JobAttemptFailed
        {
            At = failedAt, Attempt = 1, Failure = AttemptFailure.Error, Error = "disk full", Outcome = JobStatus.Retrying,
        });

        Assert.Equal(failedAt, retrying.ScheduledAt);
    }

    [Fact]
    public void A_final_failure_keeps_its_error_and_finishes_the_job()
    {
        var deadLettered = In(JobStatus.DeadLettered);

        Assert.Equal("boom (Error)", deadLettered.Error);
        Assert.Equal(2, deadLettered.Attempt);
        Assert.Equal(deadLettered.UpdatedAt, deadLettered.FinishedAt);
    }

    [Fact]
    public void A_requeue_gives_a_fresh_budget_of_the_policys_attempts_on_top_of_those_already_made()
    {
        var deadLettered = In(JobStatus.DeadLettered);

        var requeued = Run(deadLettered, at => new RequeueJob { At = at });

        Assert.Equal(JobStatus.Waiting, requeued.Status);
        Assert.Equal(2, requeued.Attempt);
        Assert.Equal(4, requeued.MaxAttempts);
        Assert.Equal(requeued.UpdatedAt, requeued.ScheduledAt);
        Assert.Null(requeued.FinishedAt);
        Assert.Null(requeued.Error);

        var third = Run(requeued, at => new ClaimJob { At = at, Owner = Node });
        var retrying = Run(third, at => Fail(at, AttemptFailure.Error));
        var fourth = Run(retrying, at => new ClaimJob { At = at, Owner = Node });
        var deadAgain = Run(fourth, at => Fail(at, AttemptFailure.Error));

        Assert.Equal([3, 3, 4, 4], new[] { third.Attempt, retrying.Attempt, fourth.Attempt, deadAgain.Attempt });
        Assert.Equal(JobStatus.Retrying, retrying.Status);
        Assert.Equal(JobStatus.DeadLettered, deadAgain.Status);
    }

    [Fact]
    public void A_requeue_of_a_job_canceled_before_it_ran_gives_the_policys_attempts()
    {
        var requeued = Run(In(JobStatus.Canceled), at => new RequeueJob { At = at });

        Assert.Equal(0, requeued.Attempt);
        Assert.Equal(2, requeued.MaxAttempts);
    }

    [Fact]
    public void A_checkpoint_is_kept_across_suspend_and_resume_with_the_progress_and_cleared_on_completion()
    {
        var running = Run(In(JobStatus.Running), at => new ReportProgress { At = at, Progress = 0.4, Details = "page 3 of 8" });
        var suspending = Run(running, at => new SuspendJob { At = at });
        var suspended = Run(suspending, at => new ConfirmSuspended { At = at, Checkpoint = Checkpoint });

        Assert.Equal(JobStatus.Suspended, suspended.Status);
        Assert.Equal(Checkpoint, suspended.Checkpoint);
        Assert.Null(suspended.LeaseOwner);

        var waiting = Run(suspended, at => new ResumeJob { At = at });

        Assert.Equal(JobStatus.Waiting, waiting.Status);
        Assert.Equal(Checkpoint, waiting.Checkpoint);
        Assert.Equal(waiting.UpdatedAt, waiting.ScheduledAt);

        var resumed = Run(waiting, at => new ClaimJob { At = at, Owner = Node });

        Assert.Equal(Checkpoint, resumed.Checkpoint);
        Assert.Equal(0.4, resumed.Progress);
        Assert.Equal("page 3 of 8", resumed.ProgressDetails);

        var completed = Run(resumed, at => new CompleteAttempt { At = at, Result = "{\"rows\":10}" });

        Assert.Null(completed.Checkpoint);
        Assert.Equal(1, completed.Progress);
        Assert.Equal("{\"rows\":10}", completed.Result);
    }

    [Fact]
    public void A_suspension_without_a_new_checkpoint_keeps_the_previous_one()
    {
        var resumed = Run(Run(In(JobStatus.Suspended), at => new ResumeJob { At = at }), at => new ClaimJob { At = at, Owner = Node });
        var suspending = Run(resumed, at => new SuspendJob { At = at });

        var suspended = Run(suspending, at => new ConfirmSuspended { At = at, Checkpoint = null });

        Assert.Equal(Checkpoint, suspended.Checkpoint);
    }

    [Fact]
    public void A_claim_without_a_checkpoint_starts_the_progress_again_from_zero()
    {
        var running = Run(In(JobStatus.Running), at => new ReportProgress { At = at, Progress = 0.6 });
        var retrying = Run(running, at => Fail(at, AttemptFailure.Error));

        Assert.Equal(0.6, retrying.Progress);
        Assert.Equal(0, Run(retrying, at => new ClaimJob { At = at, Owner = Node }).Progress);
    }

    [Fact]
    public void A_suspended_attempt_does_not_use_up_a_retry()
    {
        // Attempt 1 of 2 is suspended and resumed as attempt 2; its failure must still be retried, since the
        // suspension was not a failure.
        var suspended = In(JobStatus.Suspended);
        var resumed = Run(Run(suspended, at => new ResumeJob { At = at }), at => new ClaimJob { At = at, Owner = Node });

        var failed = Run(resumed, at => Fail(at, AttemptFailure.Error));

        Assert.Equal(2, resumed.Attempt);
        Assert.Equal(3, resumed.MaxAttempts);
        Assert.Equal(JobStatus.Retrying, failed.Status);
    }

    [Fact]
    public void A_job_suspended_on_its_only_attempt_never_runs_past_its_last_attempt()
    {
        var waiting = JobStateMachine.Apply(null, Submitted(RetryPolicy.None));
        var running = Run(waiting, at => new ClaimJob { At = at, Owner = Node });
        var suspended = Run(Run(running, at => new SuspendJob { At = at }), at => new ConfirmSuspended { At = at, Checkpoint = Checkpoint });

        var resumed = Run(Run(suspended, at => new ResumeJob { At = at }), at => new ClaimJob { At = at, Owner = Node });
        var failed = Run(resumed, at => Fail(at, AttemptFailure.Error));

        Assert.Equal(2, resumed.Attempt);
        Assert.Equal(2, resumed.MaxAttempts);
        Assert.Equal(JobStatus.DeadLettered, failed.Status);
        Assert.Equal(failed.MaxAttempts, failed.Attempt);
    }

    [Fact]
    public void Holding_a_waiting_job_does_not_change_its_attempt_budget()
    {
        var held = Run(In(JobStatus.Retrying), at => new SuspendJob { At = at });

        Assert.Equal(JobStatus.Suspended, held.Status);
        Assert.Equal(1, held.Attempt);
        Assert.Equal(2, held.MaxAttempts);
    }

    [Fact]
    public void A_forced_cancel_records_why_it_was_forced()
    {
        var canceled = Run(In(JobStatus.Canceling), at => new ConfirmCanceled { At = at, Forced = true });

        Assert.Equal(JobStatus.Canceled, canceled.Status);
        Assert.Equal("the handler did not stop within the grace period", canceled.Error);
        Assert.Null(canceled.LeaseOwner);
    }

    [Fact]
    public void A_cancel_of_a_waiting_job_records_its_reason()
    {
        Assert.Equal("not needed", In(JobStatus.Canceled).Error);
    }

    [Fact]
    public void A_skip_records_its_reason_and_finishes_the_job()
    {
        var skipped = In(JobStatus.Skipped);

        Assert.Equal("overlap", skipped.Error);
        Assert.Equal(skipped.UpdatedAt, skipped.FinishedAt);
        Assert.Equal(2, skipped.Version);
    }

    [Fact]
    public void A_history_that_does_not_start_with_a_submit_is_refused()
    {
        var failure = Assert.Throws<InvalidOperationException>(
            () => JobStateMachine.Apply(null, new JobClaimed { At = T0, Attempt = 1, Owner = Node, Fence = 1 }));

        Assert.Equal("A job's history must start with job.submitted, not JobClaimed.", failure.Message);
    }

    [Fact]
    public void A_second_submit_in_a_history_is_refused()
    {
        var job = In(JobStatus.Running);

        var failure = Assert.Throws<InvalidOperationException>(() => JobStateMachine.Apply(job, Submitted()));

        Assert.Equal("Job job-42 has a second job.submitted event at version 3.", failure.Message);
    }

    [Fact]
    public void An_event_the_state_machine_does_not_know_is_refused()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => JobStateMachine.Apply(In(JobStatus.Waiting), new StrangeEvent { At = T0 }));

        Assert.Equal("StrangeEvent is not a job event.", failure.Message);
    }

    private sealed record StrangeEvent : JobEvent;
}
