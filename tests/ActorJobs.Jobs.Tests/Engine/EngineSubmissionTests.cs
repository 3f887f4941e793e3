using ActorJobs.Jobs.Store;

namespace ActorJobs.Jobs.Tests.Engine;

/// <summary>What submitting checks, and typed handlers with generated schemas.</summary>
public abstract class EngineSubmissionTests(ITestOutputHelper output, EngineBackend backend) : EngineTestKit(output, backend)
{
    public sealed record ResizeParams(string Path, int Width, int Height);

    protected override JobCatalogBuilder Configure(JobCatalogBuilder builder) => base.Configure(builder)
        .AddJobType<ResizeParams>(JobType.Define("resize", "work", retry: RetryPolicy.None), () => new ResizeHandler());

    [Fact]
    public async Task A_bulk_submit_with_one_bad_job_creates_none_and_names_the_bad_field_with_its_index()
    {
        var error = await Assert.ThrowsAsync<JobValidationException>(() => Engine.SubmitManyAsync(
        [
            new JobSubmission { Type = "noop" },
            new JobSubmission { Type = "noop", Priority = 11 },
            new JobSubmission { Type = "noop" },
        ]));

        Assert.Equal("jobs[1].priority", error.Field);
        Assert.Contains("1 (lowest) to 10 (highest)", error.Message, StringComparison.Ordinal);
        Assert.Empty((await Engine.ListAsync(new JobQuery())).Jobs);
    }

    [Fact]
    public async Task A_bulk_submit_names_a_bad_param_and_a_bad_resource_with_the_jobs_index_and_creates_none()
    {
        var param = await Assert.ThrowsAsync<JobValidationException>(() => Engine.SubmitManyAsync(
        [
            new JobSubmission { Type = "resize", Params = """{"path":"a.png","width":1,"height":2}""" },
            new JobSubmission { Type = "noop" },
            new JobSubmission { Type = "resize", Params = """{"path":"a.png","width":"wide","height":2}""" },
        ]));
        var resource = await Assert.ThrowsAsync<JobValidationException>(() => Engine.SubmitManyAsync(
            [new JobSubmission { Type = "noop" }, new JobSubmission { Type = "noop", Resources = ["gpu", " "] }]));

        Assert.StartsWith("jobs[2].params.width", param.Field, StringComparison.Ordinal);
        Assert.Equal("jobs[1].resources[1]: must not be empty.", resource.Message);
        Assert.Empty((await Engine.ListAsync(new JobQuery())).Jobs);
    }

    [Fact]
    public async Task A_submission_can_pick_another_queue_which_runs_it_and_its_submitted_event_keeps()
    {
        await Engine.SetQueuePausedAsync("work", paused: true);

        var moved = await Engine.SubmitAsync(new JobSubmission { Type = "noop", Queue = "download" });
        var unmoved = await Engine.SubmitAsync(new JobSubmission { Type = "noop" });

        Assert.Equal(("download", "work"), (moved.State.Queue, unmoved.State.Queue));
        var done = ExpectEvent(moved.State.Id, "job.completed"); // its type's queue is paused; the one it picked is not
        Assert.Equal("download", done.Queue);
        Assert.Equal(JobStatus.Waiting, (await Engine.GetAsync(unmoved.State.Id))!.Status);
        var history = await Engine.HistoryAsync(moved.State.Id);
        Assert.Equal("download", Assert.IsType<JobSubmitted>(history![0].Event).Queue);
        Assert.Equal([new StatusCount("download", JobStatus.Completed, 1), new StatusCount("work", JobStatus.Waiting, 1)], await Engine.CountsAsync());
    }

    [Fact]
    public async Task A_queue_that_is_not_in_the_catalog_is_rejected_naming_the_field_queue()
    {
        var unknown = await Assert.ThrowsAsync<JobValidationException>(() => Engine.SubmitAsync(new JobSubmission { Type = "noop", Queue = "nowhere" }));
        Assert.Equal("queue", unknown.Field);
        Assert.Equal("queue: 'nowhere' is not a queue; known queues: compute, download, maintenance, work.", unknown.Message);

        var empty = await Assert.ThrowsAsync<JobValidationException>(() => Engine.SubmitManyAsync(
            [new JobSubmission { Type = "noop" }, new JobSubmission { Type = "noop", Queue = " " }]));
        Assert.Equal("jobs[1].queue: must not be empty.", empty.Message);
        Assert.Empty((await Engine.ListAsync(new JobQuery())).Jobs);
    }

    [Fact]
    public async Task A_typed_handler_gets_its_params_and_its_generated_schema_rejects_wrong_ones()
    {
        var bad = await Assert.ThrowsAsync<JobValidationException>(() =>
            Engine.SubmitAsync(new JobSubmission { Type = "resize", Params = """{"path":"a.png","width":"wide","height":2}""" }));
        Assert.StartsWith("params.width", bad.Field, StringComparison.Ordinal);

        var ok = await Engine.SubmitAsync(new JobSubmission { Type = "resize", Params = """{"path":"a.png","width":640,"height":480}""" });
        var done = ExpectEvent(ok.State.Id, "job.completed");
        Assert.Equal("{\"pixels\":307200}", done.Result);
    }

    [Fact]
    public async Task Counts_per_queue_and_status_cover_every_job_of_the_tenant()
    {
        await Engine.SetQueuePausedAsync("work", paused: true);
        await SubmitAsync("noop", tenant: "a");
        await SubmitAsync("noop", tenant: "a");
        await SubmitAsync("noop", tenant: "b");

        var counts = await Engine.CountsAsync("a");
        Assert.Equal([new StatusCount("work", JobStatus.Waiting, 2)], counts);
        Assert.Equal(3, (await Engine.CountsAsync()).Sum(c => c.Count));
    }

    [Fact]
    public async Task Commands_on_a_job_that_does_not_exist_are_refused_as_not_found()
    {
        var error = await Assert.ThrowsAsync<JobCommandRejectedException>(() => Engine.CancelAsync("no-such-job"));
        Assert.Equal(JobRejectionCode.NotFound, error.Rejection.Code);
        Assert.Contains("no-such-job", error.Message, StringComparison.Ordinal);
    }

    private sealed class ResizeHandler : IJobHandler<ResizeParams>
    {
        public Task<object?> RunAsync(ResizeParams parameters, JobContext context) =>
            Task.FromResult<object?>(new { pixels = parameters.Width * parameters.Height });
    }
}

/// <summary>The suite on the in-memory stores.</summary>
public sealed class EngineSubmissionTestsOnInMemory(ITestOutputHelper output) : EngineSubmissionTests(output, EngineBackend.InMemory);

/// <summary>The suite on a SQLite file.</summary>
public sealed class EngineSubmissionTestsOnSqlite(ITestOutputHelper output) : EngineSubmissionTests(output, EngineBackend.Sqlite);

/// <summary>The suite on a fresh PostgreSQL schema.</summary>
public sealed class EngineSubmissionTestsOnPostgreSql(ITestOutputHelper output) : EngineSubmissionTests(output, EngineBackend.PostgreSql);
