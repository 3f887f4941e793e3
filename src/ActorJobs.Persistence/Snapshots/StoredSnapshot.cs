namespace ActorJobs.Persistence.Snapshots;

/// <summary>A serialized snapshot of an entity's state.</summary>
/// <param name="Metadata">Entity, sequence number and time.</param>
/// <param name="Manifest">The stable name the state's type is registered under.</param>
/// <param name="Payload">The serialized state.</param>
public sealed record StoredSnapshot(SnapshotMetadata Metadata, string Manifest, ReadOnlyMemory<byte> Payload);
