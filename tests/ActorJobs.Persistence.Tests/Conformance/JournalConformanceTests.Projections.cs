using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Tests.Support;

namespace ActorJobs.Persistence.Tests.Conformance;

// Projections commit with their events, and never without them.
public abstract partial class JournalConformanceTests
{
    [Fact]
    public async Task A_projection_update_commits_with_its_events()
    {
        var id = NewJobId();

        await WriteOrFailAsync(Write(id, 1, 1, updates: [new JobRowUpdate(id, "waiting")]));
        Assert.Equal("waiting", await Store.ReadJobRowStatusAsync(id));

        await WriteOrFailAsync(Write(id, 2, 2, updates: [new JobRowUpdate(id, "running")]));
        Assert.Equal("running", await Store.ReadJobRowStatusAsync(id));
    }

    [Fact]
    public async Task Updates_of_one_row_in_one_batch_apply_in_write_order()
    {
        var id = NewJobId();

        var results = await Journal.WriteAsync(
            [Write(id, 1, 1, updates: [new JobRowUpdate(id, "waiting")]), Write(id, 2, 1, updates: [new JobRowUpdate(id, "running")])]);

        Assert.All(results, r => Assert.True(r.IsWritten));
        Assert.Equal("running", await Store.ReadJobRowStatusAsync(id));
    }

    [Fact]
    public async Task A_rejected_write_does_not_apply_its_projection_update()
    {
        var (taken, fresh) = (NewJobId(), NewJobId());
        await WriteOrFailAsync(Write(taken, 1, 1, updates: [new JobRowUpdate(taken, "waiting")]));

        var results = await Journal.WriteAsync(
            [Write(taken, 1, 1, updates: [new JobRowUpdate(taken, "stolen")]), Write(fresh, 3, 1, updates: [new JobRowUpdate(fresh, "gap")])]);

        Assert.All(results, r => Assert.False(r.IsWritten));
        Assert.Equal("waiting", await Store.ReadJobRowStatusAsync(taken));
        Assert.Null(await Store.ReadJobRowStatusAsync(fresh));
    }

    [Fact]
    public async Task A_failing_projection_fails_the_write_and_stores_none_of_its_events()
    {
        var id = NewJobId();

        // A null status breaks the row's NOT NULL constraint, as a buggy projection would.
        var failure = await Assert.ThrowsAsync<JournalWriteException>(() => Journal.WriteAsync(Write(id, 1, 2, updates: [new JobRowUpdate(id, null)])));

        Assert.Matches("none of (its|their) events is acknowledged", failure.Message);
        Assert.Empty(await ReplayAllAsync(id));
        Assert.Equal(0, await Journal.ReadHighestSequenceNrAsync(id));
        Assert.Null(await Store.ReadJobRowStatusAsync(id));
    }

    [Fact]
    public async Task A_failing_projection_fails_its_whole_batch()
    {
        var (good, bad) = (NewJobId(), NewJobId());

        // Documented semantics: the batch is one transaction, so the good write fails with the bad one.
        await Assert.ThrowsAsync<JournalWriteException>(() => Journal.WriteAsync(
            [Write(good, 1, 1, updates: [new JobRowUpdate(good, "waiting")]), Write(bad, 1, 1, updates: [new JobRowUpdate(bad, null)])]));

        Assert.Empty(await ReplayAllAsync(good));
        Assert.Null(await Store.ReadJobRowStatusAsync(good));
        await WriteOrFailAsync(Write(good, 1, 1, updates: [new JobRowUpdate(good, "waiting")]));
        Assert.Equal("waiting", await Store.ReadJobRowStatusAsync(good));
    }

    [Fact]
    public async Task An_update_with_no_registered_projection_fails_the_write_with_a_message_naming_its_type()
    {
        var id = NewJobId();

        var failure = await Assert.ThrowsAsync<JournalWriteException>(() => Journal.WriteAsync(Write(id, 1, 1, updates: [new UnregisteredRowUpdate(id)])));

        Assert.Contains($"The atomic write for '{id}' carries a UnregisteredRowUpdate projection update, but no", failure.Message);
        Assert.Contains("projection is registered for that type", failure.Message);
        Assert.Empty(await ReplayAllAsync(id));
    }
}
