using System.Text.Json;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Snapshots;
using ActorJobs.Persistence.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace ActorJobs.Persistence.Tests.Backends;

/// <summary>
/// Writes that are not events, run by read models on the journal's writer (<c>SqliteJournal.ExecuteWriteAsync</c>),
/// and deleting an entity outright from inside one.
/// </summary>
public sealed class SqliteJournalExecuteWriteTests : IAsyncLifetime
{
    private const string InsertRow = "INSERT INTO test_job_rows (job_id, status) VALUES ($job_id, $status)";
    private SqliteJournalConformanceTests.SqliteStore _store = null!;

    public Task InitializeAsync()
    {
        _store = new SqliteJournalConformanceTests.SqliteStore(new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero)));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private Sqlite.SqliteJournal Journal => (Sqlite.SqliteJournal)_store.Journal;

    [Fact]
    public async Task A_write_commits_its_statements_and_returns_what_the_work_returns()
    {
        var changed = await Journal.ExecuteWriteAsync(context =>
        {
            var command = context.Command(InsertRow);
            command.Parameters.AddWithValue("$job_id", "job-1");
            command.Parameters.AddWithValue("$status", "paused");
            return command.ExecuteNonQuery();
        });

        Assert.Equal(1, changed);
        Assert.Equal("paused", await _store.ReadJobRowStatusAsync("job-1"));
    }

    [Fact]
    public async Task A_failing_write_is_rolled_back_named_and_the_journal_writes_on()
    {
        var failure = await Assert.ThrowsAsync<JournalWriteException>(() => Journal.ExecuteWriteAsync<int>(context =>
        {
            var command = context.Command(InsertRow);
            command.Parameters.AddWithValue("$job_id", "job-1");
            command.Parameters.AddWithValue("$status", "paused");
            command.ExecuteNonQuery();
            throw new InvalidOperationException("the work gave up");
        }));

        Assert.EndsWith("failed and was rolled back: the work gave up", failure.Message);
        Assert.StartsWith("A write on the SQLite journal '", failure.Message);
        Assert.Null(await _store.ReadJobRowStatusAsync("job-1"));
        Assert.True((await Journal.WriteAsync(Write("job-2", 1))).IsWritten);
    }

    [Fact]
    public async Task Deleting_an_entity_removes_its_events_and_snapshots_and_a_late_write_to_it_is_a_gap()
    {
        Assert.True((await Journal.WriteAsync(Write("job-1", 1, 3))).IsWritten);
        await _store.Snapshots.SaveAsync(new StoredSnapshot(new SnapshotMetadata("job-1", 2, DateTimeOffset.UnixEpoch), TestEvents.Snapshot, new byte[] { 1 }));

        await Journal.ExecuteWriteAsync(context =>
        {
            context.DeleteEntity("job-1");
            return 0;
        });

        Assert.Equal(0, await Journal.ReadHighestSequenceNrAsync("job-1"));
        Assert.Null(await _store.Snapshots.LoadAsync("job-1", SnapshotSelectionCriteria.Latest));
        var late = await Journal.WriteAsync(Write("job-1", 4));
        Assert.False(late.IsWritten);
        Assert.Contains("would leave a gap (highest stored is 0, so the next must be 1)", late.RejectionReason);
    }

    [Fact]
    public async Task An_entity_deleted_and_written_again_from_1_starts_a_new_history()
    {
        // Written by this journal, so its writer remembers the entity's number; the delete must make it forget it.
        Assert.True((await Journal.WriteAsync(Write("job-1", 1, 2))).IsWritten);
        Assert.True((await Journal.WriteAsync(Write("job-2", 1))).IsWritten);
        await Journal.ExecuteWriteAsync(context =>
        {
            context.DeleteEntity("job-1");
            return 0;
        });

        Assert.True((await Journal.WriteAsync([Write("job-1", 1), Write("job-2", 2)]))[0].IsWritten);

        var replayed = await Journal.ReplayAsync("job-1", 1, long.MaxValue, long.MaxValue).ToListAsync();
        Assert.Equal([1L], replayed.Select(e => e.SequenceNr));
        Assert.Equal(1, await Journal.ReadHighestSequenceNrAsync("job-1"));
        Assert.Equal([1L, 2L], (await Journal.ReplayAsync("job-2", 1, long.MaxValue, long.MaxValue).ToListAsync()).Select(e => e.SequenceNr));
    }

    private static AtomicWrite Write(string id, long first, int count = 1) =>
        new(id, [.. Enumerable.Range(0, count).Select(i => new SerializedEvent(first + i, TestEvents.Progressed, JsonSerializer.SerializeToUtf8Bytes(new { i })))]);
}
