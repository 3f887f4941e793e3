using System.Buffers;
using System.Text.Json;
using ActorJobs.Client;
using ActorJobs.Client.Contracts;
using ActorJobs.Server.Json;
using ActorJobs.Server.Mapping;

namespace ActorJobs.Server.Tests;

/// <summary>The bulk form's own reader against the serializer path of POST /jobs, with no server.</summary>
public sealed class BulkSubmitReaderTests
{
    [Fact]
    public void It_reads_every_field_of_a_submit_request_as_post_jobs_does()
    {
        var request = new SubmitJobRequest
        {
            Type = "noop",
            Params = JsonDocument.Parse("""{"a":[1,{"b":"c"}]}""").RootElement,
            Priority = JsonDocument.Parse("\"high\"").RootElement,
            IdempotencyKey = "key-1",
            NotBefore = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)),
            TimeoutSeconds = 12.5,
            MaxRetries = 3,
            Resources = ["db", "gpu"],
            Owner = "svc",
            Queue = "fast",
        };
        // A field added to SubmitJobRequest must be set above, and then the bulk reader must know it too.
        Assert.All(typeof(SubmitJobRequest).GetProperties(), p => Assert.NotNull(p.GetValue(request)));
        var body = JsonSerializer.SerializeToUtf8Bytes(new SubmitJobsRequest { Jobs = [request, new SubmitJobRequest { Type = "noop" }] }, ActorJobsJson.Options);

        var read = BulkSubmitReader.Read(new ReadOnlySequence<byte>(body), "tenant-a", maxDepth: 32, maxJobs: 10);

        Assert.Equal(2, read.Count);
        var expected = request.ToSubmission("tenant-a");
        Assert.Equal(expected with { Resources = null }, read[0] with { Resources = null });
        Assert.Equal(expected.Resources, read[0].Resources);
        Assert.Equal(new SubmitJobRequest { Type = "noop" }.ToSubmission("tenant-a"), read[1]);
    }

    [Fact]
    public void A_body_split_across_buffers_reads_the_same()
    {
        var body = """{"jobs":[{"type":"noop","owner":"a long enough owner to cross the split"},{"type":"sleep","params":{"seconds":1}}]}"""u8.ToArray();
        var first = new Segment(body.AsMemory(0, 37));
        var last = first.Append(body.AsMemory(37));

        var read = BulkSubmitReader.Read(new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length), "t", 32, 10);

        Assert.Equal(["noop", "sleep"], read.Select(s => s.Type));
        Assert.Equal("a long enough owner to cross the split", read[0].Owner);
        Assert.Equal("""{"seconds":1}""", read[1].Params);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
