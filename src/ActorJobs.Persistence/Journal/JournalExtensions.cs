namespace ActorJobs.Persistence.Journal;

/// <summary>Shorthands over <see cref="IJournal"/> for the common single-write case.</summary>
public static class JournalExtensions
{
    /// <summary>Writes one atomic write (see <see cref="IJournal.WriteAsync"/>) and returns its result.</summary>
    /// <param name="journal">The journal, usually a <see cref="BatchingJournalWriter"/>.</param>
    /// <param name="write">The write.</param>
    /// <param name="cancellationToken">Cancels the write before it commits.</param>
    public static async Task<AtomicWriteResult> WriteAsync(this IJournal journal, AtomicWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(write);
        var results = await journal.WriteAsync([write], cancellationToken).ConfigureAwait(false);
        return results[0];
    }
}
