using System.Text;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Serialization;
using ActorJobs.Persistence.Tests.Support;

namespace ActorJobs.Persistence.Tests.Conformance;

// Bad stored data: recovery of that entity fails with a message naming it, and nothing stored changes.
public abstract partial class JournalConformanceTests
{
    [Fact]
    public async Task A_corrupt_payload_fails_recovery_naming_the_entity_and_sequence_number()
    {
        var id = NewJobId();
        await WriteOrFailAsync(new AtomicWrite(id,
            [Serializer.ToSerializedEvent(1, new JobSubmitted(id, "compute", 1)), Serializer.ToSerializedEvent(2, new JobProgressed(id, 10))]));
        var garbage = Encoding.UTF8.GetBytes("{\"jobId\": \"truncated");
        await Store.CorruptEventAsync(id, 2, TestEvents.Progressed, garbage);

        var replayed = await ReplayAllAsync(id);
        Assert.Equal(new JobSubmitted(id, "compute", 1), Serializer.DeserializeEvent(replayed[0]));
        var failure = Assert.Throws<RecoveryFailedException>(() => Serializer.DeserializeEvent(replayed[1]));

        Assert.StartsWith(
            $"Recovery of '{id}' failed at the event with sequence number 2: its payload is not a valid JobProgressed (manifest 'job.progressed.v1'):",
            failure.Message);
        Assert.EndsWith("The stored event was left as it is.", failure.Message);
        Assert.Equal((id, 2L, TestEvents.Progressed), (failure.PersistenceId, failure.SequenceNr, failure.Manifest));

        // Nothing was overwritten: the damaged bytes are still there for someone to inspect.
        Assert.Equal(garbage, (await ReplayAllAsync(id))[1].Payload.ToArray());
        Assert.Equal(2, await Journal.ReadHighestSequenceNrAsync(id));
    }

    [Fact]
    public async Task An_unknown_manifest_fails_recovery_naming_the_entity_and_sequence_number()
    {
        var id = NewJobId();
        await WriteOrFailAsync(Write(id, 1, 3));
        await Store.CorruptEventAsync(id, 3, "job.teleported.v1", Encoding.UTF8.GetBytes("{}"));

        var replayed = await ReplayAllAsync(id);
        var failure = Assert.Throws<RecoveryFailedException>(() => Serializer.DeserializeEvent(replayed[2]));

        Assert.Equal(
            $"Recovery of '{id}' failed at the event with sequence number 3: no type is registered under manifest 'job.teleported.v1'. Register it before recovering; the stored event was left as it is.",
            failure.Message);
        Assert.Equal("job.teleported.v1", (await ReplayAllAsync(id))[2].Manifest);
    }
}
