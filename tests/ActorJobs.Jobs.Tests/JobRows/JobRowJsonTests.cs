using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorJobs.Jobs.Store;

namespace ActorJobs.Jobs.Tests.JobRows;

/// <summary>The hand-written row JSON must be the serializer's (less optional nulls), both ways, so old and new rows mix.</summary>
public sealed class JobRowJsonTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 29, 1, 59, 58, 123, TimeSpan.Zero);

    public static TheoryData<string> Cases => [.. States().Keys];

    private static readonly string[] Optional =
        ["owner", "idempotencyKey", "progressDetails", "result", "error", "checkpoint", "leaseOwner", "startedAt", "finishedAt"];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Writes_what_the_serializer_writes_less_the_optional_nulls(string name)
    {
        var state = States()[name];
        var expected = JsonSerializer.Serialize(state, JobRowJson.Options);
        foreach (var property in Optional)
        {
            // None of these is first, and the names are plain ASCII, so the serializer wrote exactly this for a null.
            expected = expected.Replace($",\"{property}\":null", "", StringComparison.Ordinal);
        }

        Assert.Equal(expected, JobRowJson.Serialize(state));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reads_what_it_wrote(string name)
    {
        var state = States()[name];

        Assert.True(JobRowJson.TryRead(Encoding.UTF8.GetBytes(JobRowJson.Serialize(state)), out var read));
        Assert.Equal(JsonSerializer.Serialize(state, JobRowJson.Options), JsonSerializer.Serialize(read, JobRowJson.Options));
        Assert.Equal(JsonSerializer.Serialize(state, JobRowJson.Options), JsonSerializer.Serialize(JsonSerializer.Deserialize<JobState>(JobRowJson.Serialize(state), JobRowJson.Options), JobRowJson.Options));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reads_what_the_serializer_wrote_without_falling_back(string name)
    {
        var state = States()[name];
        var json = JsonSerializer.Serialize(state, JobRowJson.Options);

        Assert.True(JobRowJson.TryRead(Encoding.UTF8.GetBytes(json), out var read));
        Assert.Equal(json, JsonSerializer.Serialize(read, JobRowJson.Options));
        Assert.Equal(state with { Resources = read.Resources }, read);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reads_the_properties_in_any_order_and_spacing_as_jsonb_returns_them(string name)
    {
        var state = States()[name];
        var node = JsonNode.Parse(JsonSerializer.Serialize(state, JobRowJson.Options))!.AsObject();
        var shuffled = new JsonObject();
        foreach (var (key, value) in node.OrderBy(p => p.Key.Length).ThenByDescending(p => p.Key, StringComparer.Ordinal).ToList())
        {
            node.Remove(key);
            shuffled[key] = value;
        }

        var text = shuffled.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

        Assert.True(JobRowJson.TryRead(Encoding.UTF8.GetBytes(text), out var read));
        Assert.Equal(JobRowJson.Serialize(state), JobRowJson.Serialize(read));
    }

    [Fact]
    public void A_row_without_the_optional_fields_gets_the_same_defaults_as_from_the_serializer()
    {
        const string json = """{"id":"j1","tenant":"t","type":"noop","queue":"q","status":"waiting","retry":{"maxRetries":2,"backoff":1,"initialDelay":"00:00:01","maxDelay":"00:00:05"}}""";

        Assert.True(JobRowJson.TryRead(Encoding.UTF8.GetBytes(json), out var read));
        Assert.Equal(JobRowJson.Serialize(JsonSerializer.Deserialize<JobState>(json, JobRowJson.Options)!), JobRowJson.Serialize(read));
    }

    [Theory]
    [InlineData("""{"Id":"j1","tenant":"t","type":"noop","queue":"q","status":"waiting","retry":{"maxRetries":2,"backoff":1,"initialDelay":"00:00:01","maxDelay":"00:00:05"}}""")]
    [InlineData("""{"id":"j1","tenant":"t","type":"noop","queue":"q","status":"waiting","priority":"7","retry":{"maxRetries":2,"backoff":1,"initialDelay":"00:00:01","maxDelay":"00:00:05"}}""")]
    [InlineData("""{"id":"j1","tenant":"t","type":"noop","queue":"q","status":"Running","retry":{"maxRetries":2,"backoff":1,"initialDelay":"00:00:01","maxDelay":"00:00:05"}}""")]
    [InlineData("""{"id":"j1","tenant":"t","type":"noop","queue":"q","status":"waiting","later":1,"retry":{"maxRetries":2,"backoff":1,"initialDelay":"00:00:01","maxDelay":"00:00:05"}}""")]
    public void What_it_does_not_expect_is_read_by_the_serializer(string json)
    {
        Assert.False(JobRowJson.TryRead(Encoding.UTF8.GetBytes(json), out _));

        var viaFallback = JobRowJson.Deserialize(json);
        Assert.Equal(JobRowJson.Serialize(JsonSerializer.Deserialize<JobState>(json, JobRowJson.Options)!), JobRowJson.Serialize(viaFallback));
    }

    [Fact]
    public void A_row_missing_a_required_field_fails_as_the_serializer_fails()
    {
        const string json = """{"id":"j1","type":"noop","queue":"q","status":"waiting","retry":{"maxRetries":2,"backoff":1,"initialDelay":"00:00:01","maxDelay":"00:00:05"}}""";

        Assert.False(JobRowJson.TryRead(Encoding.UTF8.GetBytes(json), out _));
        var error = Assert.Throws<JsonException>(() => JobRowJson.Deserialize(json));
        Assert.Contains("tenant", error.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, JobState> States()
    {
        var waiting = new JobState
        {
            Id = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
            Tenant = "default",
            Type = "noop",
            Queue = "bench",
            Status = JobStatus.Waiting,
            Retry = RetryPolicy.Default,
            Timeout = TimeSpan.FromMinutes(1),
            MaxAttempts = 4,
            CreatedAt = T0,
            ScheduledAt = T0,
            UpdatedAt = T0,
            Version = 1,
        };
        var running = waiting with
        {
            Status = JobStatus.Running,
            Attempt = 1,
            LeaseOwner = "node-1",
            Fence = 2,
            StartedAt = T0.AddMilliseconds(3),
            UpdatedAt = T0.AddMilliseconds(3),
            Version = 2,
        };
        return new Dictionary<string, JobState>
        {
            ["waiting"] = waiting,
            ["running"] = running,
            ["completed"] = running with
            {
                Status = JobStatus.Completed,
                Progress = 1,
                Result = """{"answer":42,"text":"<tag> & 'quote' \"dq\" é ✓"}""",
                LeaseOwner = null,
                FinishedAt = T0.AddSeconds(1),
                Version = 3,
            },
            ["everything set"] = running with
            {
                Owner = "user-7",
                IdempotencyKey = "key\twith\ncontrol \u0001 chars",
                Priority = 10,
                Params = """{"model":"flux-dev","n":3,"nested":{"a":[1,2.5,null,true]}}""",
                Resources = ["gpu", "model:flux-dev"],
                Status = JobStatus.DeadLettered,
                Progress = 0.3333333333333333,
                ProgressDetails = "a third",
                Error = "InvalidOperationException: nope\r\n  at somewhere",
                Timeout = new TimeSpan(2, 3, 4, 5, 678),
                Retry = new RetryPolicy(1000, BackoffKind.Fixed, TimeSpan.FromTicks(1), TimeSpan.FromDays(40), 0, RetryOnTimeout: false, DeadLetter: false),
                Suspendable = true,
                Checkpoint = """{"step":12}""",
                CreatedAt = new DateTimeOffset(2026, 10, 25, 2, 30, 0, TimeSpan.FromHours(2)),
                ScheduledAt = DateTimeOffset.MaxValue,
                FinishedAt = DateTimeOffset.MinValue,
                Fence = long.MaxValue,
                Version = long.MaxValue,
                Attempt = int.MaxValue,
                MaxAttempts = int.MinValue,
            },
            ["odd values"] = waiting with
            {
                Tenant = "",
                Params = null!,
                Resources = null!,
                Progress = double.Epsilon,
                Retry = RetryPolicy.None with { Jitter = 1e-300 },
                Timeout = TimeSpan.MinValue,
            },
        };
    }
}
