using System.Text;
using ActorJobs.Actors;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Serialization;
using ActorJobs.Persistence.Snapshots;
using ActorJobs.Persistence.Tests.Support;

namespace ActorJobs.Persistence.Tests.Conformance;

// A persistent actor recovering from this backend, through the batching writer as in production: snapshot, events after
// it, the highest number when they were deleted, and a failure that names the entity.
public abstract partial class JournalConformanceTests
{
    private static readonly TimeSpan RecoveryWait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task An_actor_recovers_its_latest_snapshot_then_the_events_after_it()
    {
        var id = NewJobId();
        await WriteOrFailAsync(Write(id, 1, 5));
        await Store.Snapshots.SaveAsync(Serializer.ToSnapshot(new SnapshotMetadata(id, 2, Clock.GetUtcNow()), new JobSnapshot(id, "old", 1)));
        await Store.Snapshots.SaveAsync(Serializer.ToSnapshot(new SnapshotMetadata(id, 3, Clock.GetUtcNow()), new JobSnapshot(id, "running", 2)));

        var recovery = await RecoverActorAsync(id);

        Assert.Equal(["snapshot 3 running", "event 4 percent 3", "event 5 percent 4", "completed at 5"], recovery);
    }

    [Fact]
    public async Task An_actor_recovers_every_event_when_there_is_no_snapshot()
    {
        var id = NewJobId();
        await WriteOrFailAsync(Write(id, 1, 3));

        var recovery = await RecoverActorAsync(id);

        Assert.Equal(["event 1 percent 0", "event 2 percent 1", "event 3 percent 2", "completed at 3"], recovery);
    }

    [Fact]
    public async Task An_actor_with_no_history_completes_at_zero()
    {
        Assert.Equal(["completed at 0"], await RecoverActorAsync(NewJobId()));
    }

    [Fact]
    public async Task An_actor_whose_events_are_all_deleted_continues_after_its_highest_number()
    {
        var id = NewJobId();
        await WriteOrFailAsync(Write(id, 1, 4));
        await Journal.DeleteMessagesToAsync(id, 4);

        Assert.Equal(["completed at 4"], await RecoverActorAsync(id));
    }

    [Fact]
    public async Task An_actor_whose_events_up_to_its_snapshot_are_deleted_recovers_the_snapshot_and_the_rest()
    {
        var id = NewJobId();
        await WriteOrFailAsync(Write(id, 1, 4));
        await Store.Snapshots.SaveAsync(Serializer.ToSnapshot(new SnapshotMetadata(id, 2, Clock.GetUtcNow()), new JobSnapshot(id, "running", 1)));
        await Journal.DeleteMessagesToAsync(id, 2);

        Assert.Equal(["snapshot 2 running", "event 3 percent 2", "event 4 percent 3", "completed at 4"], await RecoverActorAsync(id));
    }

    [Fact]
    public async Task A_snapshot_past_every_remaining_event_leaves_the_actor_at_the_snapshot()
    {
        var id = NewJobId();
        await WriteOrFailAsync(Write(id, 1, 3));
        await Journal.DeleteMessagesToAsync(id, 3);
        await Store.Snapshots.SaveAsync(Serializer.ToSnapshot(new SnapshotMetadata(id, 3, Clock.GetUtcNow()), new JobSnapshot(id, "completed", 1)));

        Assert.Equal(["snapshot 3 completed", "completed at 3"], await RecoverActorAsync(id));
    }

    [Fact]
    public async Task A_corrupt_event_fails_the_actor_s_recovery_naming_the_entity_and_sequence_number()
    {
        var id = NewJobId();
        await WriteOrFailAsync(Write(id, 1, 3));
        await Store.CorruptEventAsync(id, 2, TestEvents.Progressed, Encoding.UTF8.GetBytes("{\"jobId\": \"truncated"));

        var recovery = await RecoverActorAsync(id);

        Assert.Equal(2, recovery.Count);
        Assert.Equal("event 1 percent 0", recovery[0]);
        Assert.StartsWith($"failed: Recovery of '{id}' failed at the event with sequence number 2: its payload is not a valid JobProgressed", recovery[1]);
    }

    /// <summary>Starts an actor for <paramref name="id"/> on a fresh system and returns what its recovery delivered.</summary>
    private async Task<List<string>> RecoverActorAsync(string id)
    {
        await using var writer = new BatchingJournalWriter(Journal);
        var system = ActorSystem.Create("conformance-recovery");
        try
        {
            system.UsePersistence(writer, Store.Snapshots, Serializer);
            var done = new TaskCompletionSource<List<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
            system.ActorOf(Props.Create(() => new RecoveryRecorder(id, done)));
            return await done.Task.WaitAsync(RecoveryWait);
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>Writes down each thing its recovery delivers, and hands the list over once it completed or failed.</summary>
    private sealed class RecoveryRecorder : ReceivePersistentActor
    {
        private readonly string _id;
        private readonly TaskCompletionSource<List<string>> _done;
        private readonly List<string> _seen = [];

        public RecoveryRecorder(string id, TaskCompletionSource<List<string>> done)
        {
            _id = id;
            _done = done;
            Recover<SnapshotOffer>(offer => _seen.Add($"snapshot {offer.Metadata.SequenceNr} {((JobSnapshot)offer.Snapshot).Status}"));
            Recover<JobProgressed>(e => _seen.Add($"event {LastSequenceNr} percent {e.Percent}"));
            Recover<RecoveryCompleted>(_ =>
            {
                _seen.Add($"completed at {LastSequenceNr}");
                _done.TrySetResult(_seen);
            });
        }

        public override string PersistenceId => _id;

        protected override void OnRecoveryFailure(Exception reason, object? message)
        {
            _seen.Add($"failed: {reason.Message}");
            _done.TrySetResult(_seen);
        }
    }
}
