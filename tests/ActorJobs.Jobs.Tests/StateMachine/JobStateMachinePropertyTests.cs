namespace ActorJobs.Jobs.Tests.StateMachine;

/// <summary>
/// Random commands, at random moments, to many jobs with random policies: whatever the order, Decide then Apply never
/// makes a job the engine could not explain. Seeded, so a failure names the seed and step that reproduce it.
/// </summary>
public sealed class JobStateMachinePropertyTests
{
    private const int Jobs = 50;
    private const int Steps = 10_000;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Random_commands_never_break_a_jobs_invariants(int seed)
    {
        var random = new Random(seed);
        var now = JobHistory.T0;
        var jobs = new JobState[Jobs];
        var eventCounts = new int[Jobs];
        var statusesSeen = new HashSet<JobStatus>();
        var eventsSeen = new HashSet<Type>();
        var submitted = 0;
        for (var i = 0; i < Jobs; i++)
        {
            jobs[i] = JobStateMachine.Apply(null, Submit(random, $"job-{submitted++}", now));
            eventCounts[i] = 1;
        }

        for (var step = 0; step < Steps; step++)
        {
            now = now.AddSeconds(random.Next(0, 40));
            var i = random.Next(Jobs);
            var before = jobs[i];
            var command = RandomCommand(random, before, now);
            var where = $"seed {seed}, step {step}, {before.Id} ({before.Status.WireName()}, attempt {before.Attempt} of {before.MaxAttempts}), {command}";

            var decision = JobStateMachine.Decide(before, command);
            var after = JobStateMachine.ApplyAll(before, decision.Events)!;
            eventCounts[i] += decision.Events.Count;
            jobs[i] = after;
            statusesSeen.Add(after.Status);
            eventsSeen.UnionWith(decision.Events.Select(e => e.GetType()));

            Assert.True(decision.IsAccepted || decision.Events.Count == 0, $"A rejection carried events: {where}");
            Assert.True(!before.Status.IsFinal() || decision.Events.Count == 0 || command is RequeueJob, $"A final job changed without a requeue: {where}");
            Assert.True(command is not ClaimJob || decision.Events.Count == 0 || before.ScheduledAt <= command.At, $"A job was claimed before it was due: {where}");
            Assert.True(after.Attempt <= after.MaxAttempts, $"Attempt {after.Attempt} exceeds the last attempt {after.MaxAttempts}: {where}");
            Assert.True(after.Status != JobStatus.DeadLettered || after.Attempt == after.MaxAttempts, $"Dead-lettered at attempt {after.Attempt} of {after.MaxAttempts}: {where}");
            Assert.True(after.Version == eventCounts[i], $"Version {after.Version} after {eventCounts[i]} events: {where}");
            Assert.True(after.Status.IsOwned() == (after.LeaseOwner is not null), $"Lease owner '{after.LeaseOwner}' while {after.Status.WireName()}: {where}");
            Assert.True(after.Status.IsFinal() == (after.FinishedAt is not null), $"Finish time {after.FinishedAt} while {after.Status.WireName()}: {where}");
            Assert.True(after.Progress is >= 0 and <= 1, $"Progress {after.Progress}: {where}");

            // Nothing moves a completed or skipped job again: a new job takes its place, so the walk does not run dry.
            if (after.Status is JobStatus.Completed or JobStatus.Skipped)
            {
                jobs[i] = JobStateMachine.Apply(null, Submit(random, $"job-{submitted++}", now));
                eventCounts[i] = 1;
            }
        }

        Assert.True(submitted > 2 * Jobs, $"Only {submitted} jobs were submitted.");

        // The walk must have gone everywhere, or the invariants above were checked on too little.
        Assert.Equal(JobStatuses.All.Order(), statusesSeen.Order());
        var eventTypes = typeof(JobEvent).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(JobEvent)) && t != typeof(JobSubmitted));
        Assert.Equal(eventTypes.Select(t => t.Name).Order(), eventsSeen.Select(t => t.Name).Order());
    }

    private static JobSubmitted Submit(Random random, string id, DateTimeOffset now)
    {
        var initial = TimeSpan.FromSeconds(random.Next(0, 120));
        var retry = new RetryPolicy(
            MaxRetries: random.Next(0, 4),
            Backoff: random.Next(2) == 0 ? BackoffKind.Fixed : BackoffKind.Exponential,
            InitialDelay: initial,
            MaxDelay: initial + TimeSpan.FromSeconds(random.Next(0, 600)),
            Jitter: random.NextDouble(),
            RetryOnTimeout: random.Next(2) == 0,
            DeadLetter: random.Next(4) != 0);
        return JobHistory.Submitted(retry, suspendable: random.Next(3) != 0) with
        {
            At = now,
            JobId = id,
            NotBefore = now.AddSeconds(random.Next(0, 300)),
        };
    }

    private static JobCommand RandomCommand(Random random, JobState job, DateTimeOffset now) => random.Next(0, 100) switch
    {
        < 25 => new ClaimJob { At = now, Owner = $"node-{random.Next(3)}" },
        < 33 => new ReportProgress { At = now, Progress = random.NextDouble() },
        < 43 => new CompleteAttempt { At = now },
        < 60 => new FailAttempt { At = now, Failure = (AttemptFailure)random.Next(1, 5), Error = "boom", JitterSample = random.NextDouble() },
        < 65 => new CancelJob { At = now },
        < 68 => new ConfirmCanceled { At = now, Forced = random.Next(2) == 0 },
        < 74 => new SuspendJob { At = now },
        < 79 => new ConfirmSuspended { At = now, Checkpoint = random.Next(2) == 0 ? null : $"{{\"step\":{random.Next(100)}}}" },
        < 85 => new ResumeJob { At = now },
        < 92 => new RequeueJob { At = now },
        < 94 => new SkipJob { At = now },
        < 97 => new ExpireLease { At = now, JitterSample = random.NextDouble() },
        < 99 => new ReleaseJob { At = now },
        _ => new SubmitJob { At = now, Submitted = Submit(random, job.Id, now) },
    };
}
