namespace ActorJobs.Jobs.Tests.Engine;

/// <summary>
/// How a handler's end becomes its attempt's outcome, however it ends: synchronously or not, returning, throwing, or
/// with a canceled or faulted task. The worker runs a handler on a pool thread and reads its task itself. With no
/// retries, a failure is dead-lettered at once, and a permanent one is failed.
/// </summary>
public sealed class EngineHandlerOutcomeTests(ITestOutputHelper output) : EngineTestKit(output, EngineBackend.InMemory)
{
    [Theory]
    [InlineData("returns-later", "job.completed", null)]
    [InlineData("throws", "job.dead-lettered", "InvalidOperationException: boom")]
    [InlineData("throws-later", "job.dead-lettered", "InvalidOperationException: boom")]
    [InlineData("throws-aggregate", "job.dead-lettered", "InvalidOperationException: inside")]
    [InlineData("throws-permanent", "job.failed", "bad input")]
    [InlineData("throws-permanent-later", "job.failed", "bad input")]
    [InlineData("throws-canceled", "job.dead-lettered", "the handler was canceled")]
    [InlineData("canceled-task", "job.dead-lettered", "the handler was canceled")]
    [InlineData("faulted-with-canceled", "job.dead-lettered", "the handler was canceled")]
    [InlineData("no-task", "job.dead-lettered", "InvalidOperationException: the handler returned no task")]
    public async Task Each_way_a_handler_ends_gives_its_outcome(string type, string finalEvent, string? error)
    {
        var id = await SubmitAsync(type);

        ExpectEvent(id, "job.started");
        var final = ExpectEvent(id, finalEvent);
        Assert.Equal(error, final.Error);
        if (finalEvent == "job.completed")
        {
            Assert.Equal("{\"later\":true}", final.Result);
        }
    }

    protected override JobCatalogBuilder Configure(JobCatalogBuilder builder) => base.Configure(builder)
        .AddJobType(Type("returns-later"), async _ =>
        {
            await Task.Yield();
            return new { later = true };
        })
        .AddJobType(Type("throws"), _ => throw new InvalidOperationException("boom"))
        .AddJobType(Type("throws-later"), async _ =>
        {
            await Task.Yield();
            throw new InvalidOperationException("boom");
        })
        .AddJobType(Type("throws-aggregate"), _ => throw new AggregateException(new InvalidOperationException("inside")))
        .AddJobType(Type("throws-permanent"), _ => throw new PermanentJobFailureException("bad input"))
        .AddJobType(Type("throws-permanent-later"), async _ =>
        {
            await Task.Yield();
            throw new PermanentJobFailureException("bad input");
        })
        .AddJobType(Type("throws-canceled"), _ => throw new OperationCanceledException())
        .AddJobType(Type("canceled-task"), _ => Task.FromCanceled<object?>(new CancellationToken(canceled: true)))
        .AddJobType(Type("faulted-with-canceled"), _ => Task.FromException<object?>(new OperationCanceledException()))
        .AddJobType(Type("no-task"), _ => null!);

    private static JobTypeDefinition Type(string name) => JobType.Define(name, "work", retry: RetryPolicy.None);
}
