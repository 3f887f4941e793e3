namespace ActorJobs.Persistence.CrashWriter;

/// <summary>
/// The payload of every event the crash writer appends: enough to tell, after the process was killed, whether each
/// batch it sent is in the journal whole or not at all.
/// </summary>
/// <param name="Batch">The batch (one <c>WriteAsync</c> call, one transaction) the event belongs to.</param>
/// <param name="Write">The atomic write within the batch, from 0.</param>
/// <param name="WritesInBatch">How many atomic writes the batch has.</param>
/// <param name="Event">The event within its write, from 0.</param>
/// <param name="EventsInWrite">How many events the write has.</param>
public sealed record BatchMark(long Batch, int Write, int WritesInBatch, int Event, int EventsInWrite)
{
    /// <summary>The manifest the marks are stored under.</summary>
    public const string Manifest = "crash.batch-mark.v1";
}
