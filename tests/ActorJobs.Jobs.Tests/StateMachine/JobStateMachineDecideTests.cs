using static ActorJobs.Jobs.Tests.StateMachine.JobHistory;

namespace ActorJobs.Jobs.Tests.StateMachine;

/// <summary>What <see cref="JobStateMachine.Decide"/> puts in its events and messages, beyond the table's event types and statuses.</summary>
public sealed class JobStateMachineDecideTests
{
    [Fact]
    public void A_job_that_does_not_exist_can_only_be_submitted()
    {
        var submitted = Submitted();

        var submit = JobStateMachine.Decide(null, new SubmitJob { At = T0, Submitted = submitted });
        var claim = JobStateMachine.Decide(null, new ClaimJob { At = T0, Owner = Node });

        Assert.Equal([submitted], submit.Events);
        Assert.Equal(new JobRejection(JobRejectionCode.NotFound, "No such job."), claim.Rejection);
    }

    [Fact]
    public void Submitting_a_job_that_exists_is_refused_naming_it_and_its_status()
    {
        var job = In(JobStatus.Running);

        var decision = JobStateMachine.Decide(job, new SubmitJob { At = Next(job), Submitted = Submitted() });

        Assert.Equal(new JobRejection(JobRejectionCode.Conflict, "Job job-42 already exists; it is running."), decision.Rejection);
    }

    [Fact]
    public void A_command_the_state_machine_does_not_know_is_refused_by_name()
    {
        var decision = JobStateMachine.Decide(In(JobStatus.Waiting), new StrangeCommand { At = T0 });

        Assert.Equal(new JobRejection(JobRejectionCode.Invalid, "StrangeCommand is not a job command."), decision.Rejection);
    }

    [Fact]
    public void A_claim_takes_the_next_attempt_and_a_fence_equal_to_the_claims_sequence_number()
    {
        var retrying = In(JobStatus.Retrying);

        var claimed = Assert.IsType<JobClaimed>(Assert.Single(JobStateMachine.Decide(retrying, new ClaimJob { At = retrying.ScheduledAt, Owner = "node-b" }).Events));

        Assert.Equal(2, claimed.Attempt);
        Assert.Equal("node-b", claimed.Owner);
        Assert.Equal(retrying.Version + 1, claimed.Fence);
        Assert.Equal(retrying.ScheduledAt, claimed.At);
    }

    [Fact]
    public void A_claim_before_the_job_is_due_is_refused_naming_the_due_time()
    {
        var waiting = In(JobStatus.Waiting);

        var decision = JobStateMachine.Decide(waiting, new ClaimJob { At = waiting.ScheduledAt.AddTicks(-1), Owner = Node });

        Assert.Equal(
            new JobRejection(JobRejectionCode.InvalidState, "Cannot claim job job-42: it is waiting and not due until 2025-03-01T12:10:00.0000000+00:00."),
            decision.Rejection);
    }

    [Fact]
    public void A_cancel_of_a_finished_job_is_refused_saying_which_statuses_allow_it()
    {
        var decision = JobStateMachine.Decide(In(JobStatus.Completed), new CancelJob { At = T0.AddHours(1) });

        Assert.Equal(
            new JobRejection(JobRejectionCode.InvalidState, "Cannot cancel job job-42: it is completed; only waiting, retrying, suspended or running jobs allow it."),
            decision.Rejection);
    }

    [Fact]
    public void A_requeue_of_a_completed_job_is_refused_saying_which_statuses_allow_it()
    {
        var decision = JobStateMachine.Decide(In(JobStatus.Completed), new RequeueJob { At = T0.AddHours(1) });

        Assert.Equal(
            new JobRejection(JobRejectionCode.InvalidState, "Cannot retry job job-42: it is completed; only failed, canceled, timeout or dead-lettered jobs allow it."),
            decision.Rejection);
    }

    [Fact]
    public void Suspending_a_running_job_whose_type_is_not_suspendable_says_to_cancel_it_instead()
    {
        var job = In(JobStatus.Running) with { Suspendable = false };

        var decision = JobStateMachine.Decide(job, new SuspendJob { At = Next(job) });

        Assert.Equal(
            new JobRejection(JobRejectionCode.NotSuspendable, "Job job-42 is running and its type 'report' is not suspendable; cancel it instead."),
            decision.Rejection);
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Progress_outside_zero_to_one_is_refused_naming_the_value(double progress)
    {
        var decision = JobStateMachine.Decide(In(JobStatus.Running), new ReportProgress { At = T0.AddHours(1), Progress = progress });

        Assert.Equal(JobRejectionCode.Invalid, decision.Rejection?.Code);
        Assert.Equal($"progress: {progress} is out of range; use 0 to 1.", decision.Rejection?.Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void Progress_of_exactly_zero_or_one_is_accepted(double progress)
    {
        var decision = JobStateMachine.Decide(In(JobStatus.Running), new ReportProgress { At = T0.AddHours(1), Progress = progress });

        Assert.Equal(progress, Assert.IsType<JobProgressed>(Assert.Single(decision.Events)).Progress);
    }

    [Fact]
    public void A_retried_failure_is_due_after_the_policys_delay_for_that_attempt_with_the_commands_jitter()
    {
        var policy = new RetryPolicy(3, BackoffKind.Exponential, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(5), Jitter: 0.5);
        var second = Run(Run(Run(JobStateMachine.Apply(null, Submitted(policy)), Claim), at => Fail(at, AttemptFailure.Error)), Claim);
        var at = Next(second);

        var failed = Assert.IsType<JobAttemptFailed>(Assert.Single(JobStateMachine.Decide(second, new FailAttempt
        {
            At = at, Failure = AttemptFailure.Error, Error = "disk full", JitterSample = 0.5,
        }).Events));

        // Attempt 2 waits 10 s × 2 = 20 s, shortened by 0.5 × 0.5 = 25 %: 15 s.
        Assert.Equal(at.AddSeconds(15), failed.RetryAt);
        Assert.Equal(2, failed.Attempt);
        Assert.Equal(AttemptFailure.Error, failed.Failure);
        Assert.Equal("disk full", failed.Error);
        Assert.Equal(JobStatus.Retrying, failed.Outcome);
    }

    [Fact]
    public void A_retry_delay_past_the_end_of_the_calendar_retries_at_the_last_representable_moment()
    {
        // A submission's retry delay has no upper bound, so the delay can outrun DateTimeOffset.
        var policy = new RetryPolicy(1, BackoffKind.Fixed, TimeSpan.MaxValue, TimeSpan.MaxValue, Jitter: 0);
        var running = Run(JobStateMachine.Apply(null, Submitted(policy)), Claim);

        var failed = Assert.IsType<JobAttemptFailed>(Assert.Single(JobStateMachine.Decide(running, Fail(Next(running), AttemptFailure.Error)).Events));
        var expired = Assert.IsType<JobAttemptFailed>(Assert.Single(JobStateMachine.Decide(running, new ExpireLease { At = Next(running) }).Events));

        Assert.Equal(DateTimeOffset.MaxValue, failed.RetryAt);
        Assert.Equal(DateTimeOffset.MaxValue, expired.RetryAt);
        Assert.Equal(JobStatus.Retrying, failed.Outcome);
    }

    [Fact]
    public void A_final_failure_has_no_retry_time()
    {
        var job = In(JobStatus.Running, lastAttempt: true);

        var failed = Assert.IsType<JobAttemptFailed>(Assert.Single(JobStateMachine.Decide(job, Fail(Next(job), AttemptFailure.Error)).Events));

        Assert.Equal(JobStatus.DeadLettered, failed.Outcome);
        Assert.Null(failed.RetryAt);
    }

    [Fact]
    public void Without_dead_lettering_a_job_whose_retries_are_spent_fails()
    {
        var job = In(JobStatus.Running, lastAttempt: true) with { Retry = TwoAttempts with { DeadLetter = false } };

        Assert.Equal(JobStatus.Failed, Outcome(job, AttemptFailure.Error));
        Assert.Equal(JobStatus.Failed, Outcome(job, AttemptFailure.Crash));
        Assert.Equal(JobStatus.TimedOut, Outcome(job, AttemptFailure.Timeout));
    }

    [Fact]
    public void A_policy_that_does_not_retry_timeouts_times_out_even_with_attempts_left()
    {
        var job = In(JobStatus.Running) with { Retry = TwoAttempts with { RetryOnTimeout = false } };

        Assert.Equal(JobStatus.TimedOut, Outcome(job, AttemptFailure.Timeout));
        Assert.Equal(JobStatus.Retrying, Outcome(job, AttemptFailure.Error));
    }

    [Fact]
    public void A_failure_while_canceling_cancels_the_job_and_keeps_the_error()
    {
        var job = In(JobStatus.Canceling);

        var canceled = Assert.IsType<JobCanceled>(Assert.Single(JobStateMachine.Decide(job, Fail(Next(job), AttemptFailure.Error)).Events));

        Assert.Equal("canceled; the attempt ended with: boom (Error)", canceled.Reason);
        Assert.False(canceled.Forced);
    }

    [Fact]
    public void An_expired_lease_fails_the_attempt_as_a_crash_naming_the_node_and_the_attempt()
    {
        var job = In(JobStatus.Running);

        var failed = Assert.IsType<JobAttemptFailed>(Assert.Single(JobStateMachine.Decide(job, new ExpireLease { At = Next(job) }).Events));

        Assert.Equal(AttemptFailure.Crash, failed.Failure);
        Assert.Equal("the lease of node 'node-a' expired while attempt 1 ran", failed.Error);
    }

    [Fact]
    public void An_expired_lease_while_canceling_forces_the_cancel()
    {
        var job = In(JobStatus.Canceling);

        var canceled = Assert.IsType<JobCanceled>(Assert.Single(JobStateMachine.Decide(job, new ExpireLease { At = Next(job) }).Events));

        Assert.True(canceled.Forced);
        Assert.Equal("the lease of node 'node-a' expired while canceling", canceled.Reason);
    }

    [Fact]
    public void An_expired_lease_while_suspending_suspends_without_a_new_checkpoint()
    {
        var job = In(JobStatus.Suspending);

        var suspended = Assert.IsType<JobSuspended>(Assert.Single(JobStateMachine.Decide(job, new ExpireLease { At = Next(job) }).Events));

        Assert.Null(suspended.Checkpoint);
    }

    [Fact]
    public void Confirming_a_suspension_while_resuming_carries_the_checkpoint_and_resumes_at_the_same_moment()
    {
        var job = In(JobStatus.Resuming);
        var at = Next(job);

        var events = JobStateMachine.Decide(job, new ConfirmSuspended { At = at, Checkpoint = Checkpoint }).Events;

        Assert.Equal<JobEvent>([new JobSuspended { At = at, Checkpoint = Checkpoint }, new JobResumed { At = at }], events);
    }

    private static JobStatus Outcome(JobState job, AttemptFailure failure) =>
        Assert.IsType<JobAttemptFailed>(Assert.Single(JobStateMachine.Decide(job, Fail(Next(job), failure)).Events)).Outcome;

    private static ClaimJob Claim(DateTimeOffset at) => new() { At = at, Owner = Node };

    private sealed record StrangeCommand : JobCommand;
}
