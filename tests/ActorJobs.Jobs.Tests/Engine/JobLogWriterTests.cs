using ActorJobs.Actors;
using ActorJobs.Jobs.Actors;
using ActorJobs.Jobs.Conformance;
using ActorJobs.Jobs.Store;
using ActorJobs.Persistence.InMemory;

namespace ActorJobs.Jobs.Tests.Engine;

using ActorJobs.TestKit;

/// <summary>
/// The log writer holds an attempt's end until the lines logged before it are stored, and answers a drain once all
/// lines are. When one write settles both, the attempt's end must go first: a drain answered before it would let the
/// node stop with that end still on its way to the job's actor.
/// </summary>
public sealed class JobLogWriterTests(ITestOutputHelper output) : TestKit(output)
{
    [Fact]
    public void When_one_write_settles_an_attempt_s_end_and_a_drain_the_attempt_s_end_is_passed_on_first()
    {
        var journal = new InMemoryJournal();
        var index = new HeldLogs(new InMemoryJobIndex(journal));
        var store = new JobStore(journal, index, JobEventJson.CreateSerializer());
        var runtime = new JobRuntime(store, JobCatalog.CreateBuilder().Build(), new JobEngineSettings { NodeId = "log-test" }, Sys);
        var writer = Sys.ActorOf(Props.Create(() => new JobLogWriter(runtime)), "log-writer");
        var probe = CreateTestProbe("job");

        // One probe stands for both the job's actor and the draining node, so its mailbox shows the order of the two.
        writer.Tell(new JobLogLine("job-1", 1, Sys.TimeProvider.GetUtcNow(), "info", "last line"), probe.Ref);
        writer.Tell(new TellAfterLogsWritten(probe.Ref, "attempt ended"), probe.Ref);
        Assert.True(index.WriteStarted.Wait(TimeSpan.FromSeconds(10)), "the log line's write never started");
        writer.Tell(FlushLogsForDrain.Instance, probe.Ref);

        // A message the writer does not handle, sent after the drain's: once it is reported unhandled, the writer has
        // taken the drain's request too, while the write is still held.
        var unhandled = CreateTestProbe("unhandled");
        Sys.EventStream.Subscribe<UnhandledMessage>(unhandled.Ref);
        writer.Tell("marker", probe.Ref);
        unhandled.FishForMessage<UnhandledMessage>(m => Equals(m.Message, "marker"));
        probe.ExpectNoMsg(TimeSpan.Zero);

        index.Release.SetResult();

        Assert.Equal("attempt ended", probe.ExpectMsg<string>());
        probe.ExpectMsg<LogsFlushed>();
    }

    /// <summary>An index whose first log write waits for the test.</summary>
    private sealed class HeldLogs(IJobIndex inner) : ForwardingJobIndex(inner)
    {
        public ManualResetEventSlim WriteStarted { get; } = new();

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task AppendLogsAsync(IReadOnlyList<JobLogLine> lines, CancellationToken cancellationToken = default)
        {
            WriteStarted.Set();
            await Release.Task.ConfigureAwait(false);
            await Inner.AppendLogsAsync(lines, cancellationToken).ConfigureAwait(false);
        }
    }
}
