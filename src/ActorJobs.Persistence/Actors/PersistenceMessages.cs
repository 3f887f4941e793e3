using ActorJobs.Persistence.Snapshots;

namespace ActorJobs.Persistence;

/// <summary>Offered to the recovery handlers first when a snapshot was found: restore state from <see cref="Snapshot"/>.</summary>
public sealed record SnapshotOffer(SnapshotMetadata Metadata, object Snapshot);

/// <summary>Offered to the recovery handlers last, once every event has been replayed. Commands are handled from here on.</summary>
public sealed class RecoveryCompleted
{
    private RecoveryCompleted()
    {
    }

    /// <summary>The single instance.</summary>
    public static RecoveryCompleted Instance { get; } = new();
}

/// <summary>Told to the actor when a <c>SaveSnapshot</c> was stored.</summary>
public sealed record SaveSnapshotSuccess(SnapshotMetadata Metadata);

/// <summary>Told to the actor when a <c>SaveSnapshot</c> failed; the actor keeps running.</summary>
public sealed record SaveSnapshotFailure(SnapshotMetadata Metadata, Exception Cause);

/// <summary>Told to the actor when <c>DeleteMessages</c> completed.</summary>
public sealed record DeleteMessagesSuccess(long ToSequenceNr);

/// <summary>Told to the actor when <c>DeleteMessages</c> failed; the actor keeps running.</summary>
public sealed record DeleteMessagesFailure(long ToSequenceNr, Exception Cause);
