using ActorJobs.Persistence.Snapshots;
using ActorJobs.Persistence.Tests.Support;

namespace ActorJobs.Persistence.Tests.Conformance;

// The snapshot store of the same backend.
public abstract partial class JournalConformanceTests
{
    [Fact]
    public async Task A_saved_snapshot_loads_back_as_the_latest()
    {
        var id = NewJobId();
        var at = Clock.GetUtcNow();
        await Store.Snapshots.SaveAsync(Serializer.ToSnapshot(new SnapshotMetadata(id, 4, at), new JobSnapshot(id, "running", 1)));
        await Store.Snapshots.SaveAsync(Serializer.ToSnapshot(new SnapshotMetadata(id, 9, at.AddMinutes(1)), new JobSnapshot(id, "completed", 2)));

        var loaded = await Store.Snapshots.LoadAsync(id, SnapshotSelectionCriteria.Latest);

        Assert.NotNull(loaded);
        Assert.Equal(new SnapshotMetadata(id, 9, JournalTimestampOf(at.AddMinutes(1))), loaded.Metadata);
        Assert.Equal(TestEvents.Snapshot, loaded.Manifest);
        Assert.Equal(new JobSnapshot(id, "completed", 2), Serializer.DeserializeSnapshot(loaded));
    }

    [Fact]
    public async Task Loading_honours_the_sequence_and_time_bounds()
    {
        var id = NewJobId();
        var at = Clock.GetUtcNow();
        foreach (var sequenceNr in new long[] { 3, 6, 9 })
        {
            await Store.Snapshots.SaveAsync(Serializer.ToSnapshot(new SnapshotMetadata(id, sequenceNr, at.AddMinutes(sequenceNr)), new JobSnapshot(id, "running", (int)sequenceNr)));
        }

        Assert.Equal(6, (await Store.Snapshots.LoadAsync(id, SnapshotSelectionCriteria.UpTo(8)))?.Metadata.SequenceNr);
        Assert.Equal(3, (await Store.Snapshots.LoadAsync(id, new SnapshotSelectionCriteria(long.MaxValue, at.AddMinutes(5))))?.Metadata.SequenceNr);
        Assert.Equal(9, (await Store.Snapshots.LoadAsync(id, new SnapshotSelectionCriteria(long.MaxValue, DateTimeOffset.MaxValue, MinSequenceNr: 7)))?.Metadata.SequenceNr);
        Assert.Null(await Store.Snapshots.LoadAsync(id, SnapshotSelectionCriteria.UpTo(2)));
        Assert.Null(await Store.Snapshots.LoadAsync(id, SnapshotSelectionCriteria.None));
        Assert.Null(await Store.Snapshots.LoadAsync(NewJobId(), SnapshotSelectionCriteria.Latest));
    }

    [Fact]
    public async Task Saving_again_at_the_same_number_replaces_the_snapshot()
    {
        var id = NewJobId();
        await Store.Snapshots.SaveAsync(Serializer.ToSnapshot(new SnapshotMetadata(id, 5, Clock.GetUtcNow()), new JobSnapshot(id, "running", 1)));
        await Store.Snapshots.SaveAsync(Serializer.ToSnapshot(new SnapshotMetadata(id, 5, Clock.GetUtcNow()), new JobSnapshot(id, "suspended", 1)));

        var loaded = await Store.Snapshots.LoadAsync(id, SnapshotSelectionCriteria.Latest);

        Assert.Equal(new JobSnapshot(id, "suspended", 1), Serializer.DeserializeSnapshot(loaded!));
    }

    [Fact]
    public async Task Snapshots_delete_one_at_a_time_or_by_criteria()
    {
        var id = NewJobId();
        var other = NewJobId();
        foreach (var sequenceNr in new long[] { 2, 4, 6, 8 })
        {
            await Store.Snapshots.SaveAsync(Serializer.ToSnapshot(new SnapshotMetadata(id, sequenceNr, Clock.GetUtcNow()), new JobSnapshot(id, "running", 0)));
        }

        await Store.Snapshots.SaveAsync(Serializer.ToSnapshot(new SnapshotMetadata(other, 2, Clock.GetUtcNow()), new JobSnapshot(other, "running", 0)));

        await Store.Snapshots.DeleteAsync(new SnapshotMetadata(id, 8, Clock.GetUtcNow()));
        Assert.Equal(6, (await Store.Snapshots.LoadAsync(id, SnapshotSelectionCriteria.Latest))?.Metadata.SequenceNr);

        await Store.Snapshots.DeleteAsync(id, SnapshotSelectionCriteria.UpTo(4));
        Assert.Equal(6, (await Store.Snapshots.LoadAsync(id, SnapshotSelectionCriteria.Latest))?.Metadata.SequenceNr);
        Assert.Null(await Store.Snapshots.LoadAsync(id, SnapshotSelectionCriteria.UpTo(5)));

        await Store.Snapshots.DeleteAsync(id, SnapshotSelectionCriteria.Latest);
        Assert.Null(await Store.Snapshots.LoadAsync(id, SnapshotSelectionCriteria.Latest));
        Assert.NotNull(await Store.Snapshots.LoadAsync(other, SnapshotSelectionCriteria.Latest));
    }

    private static DateTimeOffset JournalTimestampOf(DateTimeOffset at) => ActorJobs.Persistence.Journal.JournalTimestamp.Truncate(at);
}
