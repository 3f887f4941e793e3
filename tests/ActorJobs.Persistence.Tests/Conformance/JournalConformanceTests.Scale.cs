using ActorJobs.Persistence.Journal;

namespace ActorJobs.Persistence.Tests.Conformance;

// Many entities and many concurrent writers, through the batching writer as in production.
public abstract partial class JournalConformanceTests
{
    [Fact]
    public async Task Ten_thousand_entities_are_written_and_each_reads_back_whole()
    {
        var ids = Enumerable.Range(0, 10_000).Select(i => $"job-{i:D5}-{Guid.NewGuid():N}").ToList();
        await using (var writer = new BatchingJournalWriter(Journal))
        {
            var results = await Task.WhenAll(ids.Select(id => writer.WriteAsync(Write(id, 1, 2))));
            Assert.All(results, r => Assert.True(r.IsWritten, r.ToString()));
        }

        foreach (var id in ids)
        {
            Assert.Equal(2, await Journal.ReadHighestSequenceNrAsync(id));
        }

        foreach (var id in ids.Where((_, i) => i % 500 == 0))
        {
            Assert.Equal([1L, 2L], (await ReplayAllAsync(id)).Select(e => e.SequenceNr));
        }
    }

    [Fact]
    public async Task Concurrent_writers_on_different_entities_each_get_a_gapless_history()
    {
        const int Writers = 100;
        const int EventsEach = 40;
        var ids = Enumerable.Range(0, Writers).Select(_ => NewJobId()).ToList();

        await using (var writer = new BatchingJournalWriter(Journal, new BatchingJournalWriterOptions { MaxBatchEvents = 64 }))
        {
            // Each writer appends one event at a time and waits for it, like a persistent actor.
            await Task.WhenAll(ids.Select(id => Task.Run(async () =>
            {
                for (var seq = 1; seq <= EventsEach; seq++)
                {
                    var result = await writer.WriteAsync(Write(id, seq, 1, text: $"{id}:{seq}"));
                    Assert.True(result.IsWritten, result.ToString());
                }
            })));
        }

        foreach (var id in ids)
        {
            var replayed = await ReplayAllAsync(id);
            Assert.Equal(Enumerable.Range(1, EventsEach).Select(i => (long)i), replayed.Select(e => e.SequenceNr));
            Assert.Equal(Enumerable.Range(1, EventsEach).Select(i => $"{id}:{i}"), replayed.Select(TextOf));
        }
    }
}
