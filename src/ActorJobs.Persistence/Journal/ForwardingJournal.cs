namespace ActorJobs.Persistence.Journal;

/// <summary>
/// A journal that passes every call on to another: derive from it to watch or change some calls (a decorator) and
/// keep the rest as they are, group replay and writes ahead included.
/// </summary>
/// <remarks>
/// It does not pass on <see cref="IDeferredSyncJournal"/>: a <see cref="BatchingJournalWriter"/> in front of it writes
/// through <see cref="WriteAsync"/>, which completes once the inner journal's writes are on disk.
/// </remarks>
/// <param name="inner">The journal the calls go to.</param>
public abstract class ForwardingJournal(IJournal inner) : IJournal
{
    /// <summary>The journal the calls go to.</summary>
    protected IJournal Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <inheritdoc />
    public virtual Task<IReadOnlyList<AtomicWriteResult>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default) =>
        Inner.WriteAsync(writes, cancellationToken);

    /// <inheritdoc />
    public virtual Task<IReadOnlyList<AtomicWriteResult>> WriteAheadAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default) =>
        Inner.WriteAheadAsync(writes, cancellationToken);

    /// <inheritdoc />
    public virtual IAsyncEnumerable<StoredEvent> ReplayAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max, CancellationToken cancellationToken = default) =>
        Inner.ReplayAsync(persistenceId, fromSequenceNr, toSequenceNr, max, cancellationToken);

    /// <inheritdoc />
    public virtual Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default) =>
        Inner.ReadHighestSequenceNrAsync(persistenceId, cancellationToken);

    /// <inheritdoc />
    public virtual Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default) =>
        Inner.DeleteMessagesToAsync(persistenceId, toSequenceNr, cancellationToken);

    /// <inheritdoc />
    public virtual IGroupReplay? GroupReplay => Inner.GroupReplay;
}
