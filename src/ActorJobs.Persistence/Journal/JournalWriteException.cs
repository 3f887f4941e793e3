namespace ActorJobs.Persistence.Journal;

/// <summary>
/// A batch of atomic writes failed in the store (unreachable, full, read-only, a projection that failed, ...).
/// None of the batch's events is acknowledged. If the failure hit the commit itself the store may still have
/// kept them, which is why a writer that sees this stops and recovers from the journal instead of retrying.
/// </summary>
public sealed class JournalWriteException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public JournalWriteException()
        : base("The journal failed to write a batch; none of its events is acknowledged.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed, naming the store and the batch.</param>
    public JournalWriteException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the store's own error.</summary>
    /// <param name="message">What failed, naming the store and the batch.</param>
    /// <param name="innerException">The store's error.</param>
    public JournalWriteException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
