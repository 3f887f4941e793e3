namespace ActorJobs.Persistence.Serialization;

/// <summary>
/// An entity's stored event or snapshot could not be turned back into an object: its manifest is not registered
/// or its payload does not deserialize. Recovery of that entity fails; nothing stored is changed. The message
/// names the persistence id and sequence number so the bad record can be found.
/// </summary>
public sealed class RecoveryFailedException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public RecoveryFailedException()
        : base("Recovery failed: a stored event or snapshot could not be deserialized.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What could not be read.</param>
    public RecoveryFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the cause.</summary>
    /// <param name="message">What could not be read.</param>
    /// <param name="innerException">The deserializer's error.</param>
    public RecoveryFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for one stored record.</summary>
    /// <param name="persistenceId">The entity whose recovery failed.</param>
    /// <param name="sequenceNr">The sequence number of the bad event or snapshot.</param>
    /// <param name="manifest">The manifest stored with it.</param>
    /// <param name="message">The full message.</param>
    /// <param name="innerException">The deserializer's error, if any.</param>
    public RecoveryFailedException(string persistenceId, long sequenceNr, string manifest, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        PersistenceId = persistenceId;
        SequenceNr = sequenceNr;
        Manifest = manifest;
    }

    /// <summary>The entity whose recovery failed.</summary>
    public string? PersistenceId { get; }

    /// <summary>The sequence number of the bad event or snapshot.</summary>
    public long SequenceNr { get; }

    /// <summary>The manifest stored with the bad record.</summary>
    public string? Manifest { get; }
}
