namespace ActorJobs.Persistence.Journal;

/// <summary>Settings of a <see cref="BatchingJournalWriter"/>.</summary>
public sealed class BatchingJournalWriterOptions
{
    /// <summary>
    /// The most events one transaction carries (default 1,000). Larger batches amortize the commit's fsync over
    /// more events but hold the store's write lock longer. A single submission larger than this is not split:
    /// it is written alone, because its writes must commit together.
    /// </summary>
    public int MaxBatchEvents { get; set; } = 1000;
}
