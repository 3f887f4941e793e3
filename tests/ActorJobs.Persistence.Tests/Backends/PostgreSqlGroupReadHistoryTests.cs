using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.PostgreSql;

namespace ActorJobs.Persistence.Tests.Backends;

/// <summary>
/// How a PostgreSQL group read turns one entity's rows, in whatever heap order they came, into its answer. The
/// database tests cannot choose that order (an update usually stays on its page), so the rows are given here.
/// </summary>
public sealed class PostgreSqlGroupReadHistoryTests
{
    [Fact]
    public void Rows_out_of_order_are_put_in_order_and_tombstones_count_but_are_not_replayed()
    {
        var history = Rows((4, false), (5, false), (1, true), (2, true), (3, true), (6, false));

        var answer = history.From(1, cut: false);

        Assert.Equal([4L, 5L, 6L], answer.Events.Select(e => e.SequenceNr));
        Assert.True(answer.Complete);
        Assert.Equal(6, answer.LastSequenceNr);
    }

    [Fact]
    public void A_missing_row_ends_the_prefix_there_and_the_answer_is_not_complete()
    {
        // Rows 3 and 4 were past the group's limit.
        var history = Rows((5, false), (1, false), (2, false), (6, false));

        var answer = history.From(1, cut: true);

        Assert.Equal([1L, 2L], answer.Events.Select(e => e.SequenceNr));
        Assert.False(answer.Complete);
        Assert.Equal(3, answer.NextSequenceNr);
    }

    [Fact]
    public void A_gap_is_not_complete_even_when_the_read_was_not_cut()
    {
        var answer = Rows((1, false), (3, false)).From(1, cut: false);

        Assert.Equal([1L], answer.Events.Select(e => e.SequenceNr));
        Assert.False(answer.Complete);
    }

    [Fact]
    public void A_read_that_was_cut_is_never_complete_and_one_with_no_rows_starts_over()
    {
        Assert.False(Rows((1, false), (2, false)).From(1, cut: true).Complete);

        var none = Rows().From(1, cut: true);
        Assert.Empty(none.Events);
        Assert.False(none.Complete);
        Assert.Equal(1, none.NextSequenceNr);

        var unknown = Rows().From(1, cut: false);
        Assert.True(unknown.Complete);
        Assert.Equal(0, unknown.LastSequenceNr);
    }

    private static GroupReadHistory Rows(params (long SequenceNr, bool Deleted)[] rows)
    {
        var history = new GroupReadHistory();
        foreach (var (sequenceNr, deleted) in rows)
        {
            history.Add(sequenceNr, deleted ? null : new StoredEvent("job-1", sequenceNr, "test.v1", new byte[] { 1 }, DateTimeOffset.UnixEpoch, null, []));
        }

        return history;
    }
}
