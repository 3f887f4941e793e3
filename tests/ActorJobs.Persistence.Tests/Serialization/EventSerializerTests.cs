using System.Text;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Serialization;
using ActorJobs.Persistence.Snapshots;
using ActorJobs.Persistence.Tests.Support;

namespace ActorJobs.Persistence.Tests.Serialization;

public sealed class EventSerializerTests
{
    private readonly EventSerializer _serializer = TestEvents.CreateSerializer();

    [Fact]
    public void An_event_is_stored_under_its_manifest_as_json_not_under_its_clr_name()
    {
        var serialized = _serializer.ToSerializedEvent(1, new JobSubmitted("job-1", "compute", 3));

        Assert.Equal("job.submitted.v1", serialized.Manifest);
        Assert.Equal("{\"jobId\":\"job-1\",\"queue\":\"compute\",\"priority\":3}", Encoding.UTF8.GetString(serialized.Payload.Span));
        Assert.DoesNotContain(nameof(JobSubmitted), Encoding.UTF8.GetString(serialized.Payload.Span));
    }

    [Fact]
    public void A_stored_event_deserializes_by_manifest()
    {
        var stored = Stored("job.submitted.v1", "{\"jobId\":\"job-1\",\"queue\":\"compute\",\"priority\":3}");

        Assert.Equal(new JobSubmitted("job-1", "compute", 3), _serializer.DeserializeEvent(stored));
    }

    [Fact]
    public void Serializing_an_unregistered_type_names_the_type_and_the_fix()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => _serializer.ToSerializedEvent(1, new UnregisteredRowUpdate("job-1")));

        Assert.Equal("UnregisteredRowUpdate has no manifest: register it with Register<UnregisteredRowUpdate>(\"a.stable.name.v1\") before persisting it.", failure.Message);
    }

    [Fact]
    public void One_manifest_cannot_name_two_types()
    {
        var failure = Assert.Throws<ArgumentException>(() => _serializer.Register<UnregisteredRowUpdate>("job.submitted.v1"));

        Assert.Equal("Manifest 'job.submitted.v1' is already registered for JobSubmitted; one manifest names exactly one type. (Parameter 'manifest')", failure.Message);
    }

    [Fact]
    public void One_type_cannot_be_written_under_two_manifests()
    {
        var failure = Assert.Throws<ArgumentException>(() => _serializer.Register<JobSubmitted>("job.submitted.v2"));

        Assert.Equal("JobSubmitted is already registered under manifest 'job.submitted.v1'; a type is written under one manifest. (Parameter 'manifest')", failure.Message);
    }

    [Fact]
    public void Registering_the_same_pair_again_is_harmless()
    {
        _serializer.Register<JobSubmitted>("job.submitted.v1");

        Assert.Equal("job.submitted.v1", _serializer.ManifestOf(typeof(JobSubmitted)));
    }

    [Fact]
    public void An_empty_manifest_is_refused()
    {
        var failure = Assert.Throws<ArgumentException>(() => _serializer.Register<UnregisteredRowUpdate>(" "));

        Assert.Equal("The manifest for UnregisteredRowUpdate must not be empty. (Parameter 'manifest')", failure.Message);
    }

    [Fact]
    public void A_json_null_payload_fails_recovery_naming_the_entity_and_sequence_number()
    {
        var failure = Assert.Throws<RecoveryFailedException>(() => _serializer.DeserializeEvent(Stored("job.submitted.v1", "null", sequenceNr: 12)));

        Assert.Equal(
            "Recovery of 'job-1' failed at the event with sequence number 12: its payload is JSON null, not a JobSubmitted (manifest 'job.submitted.v1'). The stored event was left as it is.",
            failure.Message);
    }

    [Fact]
    public void A_payload_of_the_wrong_shape_fails_recovery_naming_the_entity_and_sequence_number()
    {
        var failure = Assert.Throws<RecoveryFailedException>(() => _serializer.DeserializeEvent(Stored("job.submitted.v1", "{\"priority\":\"high\"}", sequenceNr: 4)));

        Assert.StartsWith(
            "Recovery of 'job-1' failed at the event with sequence number 4: its payload is not a valid JobSubmitted (manifest 'job.submitted.v1'): The JSON value could not be converted",
            failure.Message);
        Assert.IsType<System.Text.Json.JsonException>(failure.InnerException);
    }

    [Fact]
    public void A_bad_snapshot_fails_recovery_naming_the_entity_and_sequence_number()
    {
        var snapshot = new StoredSnapshot(new SnapshotMetadata("job-7", 30, DateTimeOffset.UnixEpoch), "job.snapshot.v0", Encoding.UTF8.GetBytes("{}"));

        var failure = Assert.Throws<RecoveryFailedException>(() => _serializer.DeserializeSnapshot(snapshot));

        Assert.Equal(
            "Recovery of 'job-7' failed at the snapshot with sequence number 30: no type is registered under manifest 'job.snapshot.v0'. Register it before recovering; the stored snapshot was left as it is.",
            failure.Message);
    }

    [Fact]
    public void Snapshot_state_round_trips()
    {
        var snapshot = _serializer.ToSnapshot(new SnapshotMetadata("job-7", 30, DateTimeOffset.UnixEpoch), new JobSnapshot("job-7", "running", 2));

        Assert.Equal("job.snapshot.v1", snapshot.Manifest);
        Assert.Equal(new JobSnapshot("job-7", "running", 2), _serializer.DeserializeSnapshot(snapshot));
    }

    private static StoredEvent Stored(string manifest, string json, long sequenceNr = 1) =>
        new("job-1", sequenceNr, manifest, Encoding.UTF8.GetBytes(json), DateTimeOffset.UnixEpoch, null, []);
}
