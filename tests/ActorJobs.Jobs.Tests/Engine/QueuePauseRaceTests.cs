using ActorJobs.Jobs.Store;

namespace ActorJobs.Jobs.Tests.Engine;

/// <summary>
/// A pause that arrives while a claim is in flight, made deterministic by holding the claim's read in the in-memory
/// index: the pause is not acknowledged until that claim has come back, and once acknowledged no job starts.
/// </summary>
public sealed class QueuePauseRaceTests(ITestOutputHelper output) : EngineTestKit(output, EngineBackend.InMemory)
{
    [Fact]
    public async Task A_pause_is_acknowledged_only_after_the_claim_in_flight_and_then_nothing_starts()
    {
        var index = (InMemoryJobIndex)Engine.Store.Index;
        var hold = index.HoldNextClaim("work");
        var first = await SubmitAsync("controlled");
        await hold.Entered.WaitAsync(TimeSpan.FromSeconds(10)); // the queue's claim for it is in flight, held

        var pause = Engine.SetQueuePausedAsync("work", paused: true);

        // Two round trips through the queue: the first follows the pause request, and the pause's write (done at
        // once by the in-memory index) told its result before the first was answered, so the second follows that.
        await Engine.QueueStatusAsync("work");
        var status = await Engine.QueueStatusAsync("work");
        Assert.True(status.Paused, "the pause takes effect at once");
        Assert.False(pause.IsCompleted, "the pause was acknowledged while a claim that started before it was in flight");

        hold.Release();
        await pause.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(first, ExpectAttempt(first).JobId); // the claim in flight took it: submitted before the pause

        var second = await SubmitAsync("controlled");
        Attempts.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Equal(JobStatus.Waiting, (await Engine.GetAsync(second))!.Status);

        await Engine.SetQueuePausedAsync("work", paused: false);
        Assert.Equal(second, ExpectAttempt(second).JobId);
        Release(first);
        Release(second);
        ExpectEvents("job.completed", first, second);
    }
}
