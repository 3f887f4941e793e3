namespace ActorJobs.Jobs.Tests.Engine;

/// <summary>
/// A submit's commit is visible to claims before its submitter hears of it. When the job's first attempt starts in
/// that gap, watchers must still see job.submitted before job.started, and see it once.
/// </summary>
public sealed class SubmitAnnouncementTests(ITestOutputHelper output) : EngineTestKit(output, EngineBackend.InMemory)
{
    [Fact]
    public async Task A_job_started_before_its_submitter_heard_of_the_commit_is_announced_submitted_first_and_once()
    {
        var acknowledge = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stored = InMemory!.Persistence.Journal.HoldNextAcknowledgements(acknowledge.Task);
        var submit = Engine.SubmitAsync(new JobSubmission { Type = "controlled" });
        await stored.WaitAsync(TimeSpan.FromSeconds(10));

        // The submitter has not woken its queue yet; anything else may (a freed worker, another node's hint).
        Engine.WakeQueue("work");
        var first = Events.ExpectMsg<JobLifecycleEvent>();
        var second = Events.ExpectMsg<JobLifecycleEvent>();
        Assert.Equal(("job.submitted", JobStatus.Waiting), (first.Kind, first.Job.Status));
        Assert.Equal(("job.started", first.Job.Id), (second.Kind, second.Job.Id));
        Assert.False(submit.IsCompleted, "the submitter was told before the job started; the test proves nothing");

        acknowledge.SetResult();
        var outcome = await submit.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(first.Job.Id, outcome.State.Id);
        Release(outcome.State.Id);
        var last = Events.ExpectMsg<JobLifecycleEvent>(); // a second job.submitted would come before it
        Assert.Equal(("job.completed", outcome.State.Id), (last.Kind, last.Job.Id));
    }

    [Fact]
    public async Task A_job_submitted_and_started_in_the_usual_order_is_announced_once()
    {
        var id = await SubmitAsync("controlled");

        Assert.Equal("job.submitted", Events.ExpectMsg<JobLifecycleEvent>(e => e.Job.Id == id).Kind);
        Assert.Equal("job.started", Events.ExpectMsg<JobLifecycleEvent>(e => e.Job.Id == id).Kind);
        Release(id);
        Assert.Equal("job.completed", Events.ExpectMsg<JobLifecycleEvent>(e => e.Job.Id == id).Kind);
    }
}
