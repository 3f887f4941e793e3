using ActorJobs.Jobs.Store;
using ActorJobs.Persistence.Serialization;

namespace ActorJobs.Jobs.PostgreSql.Tests.Support;

/// <summary>Jobs as the engine submits them, and stores over a schema the way each node opens its own.</summary>
public static class JobsFixture
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static EventSerializer NewSerializer() => new EventSerializer().RegisterJobEvents();

    public static JobSubmitted Job(
        string id,
        int priority = JobPriority.Normal,
        string queue = "default",
        string tenant = "acme",
        string? key = null,
        IReadOnlyList<string>? resources = null,
        DateTimeOffset? notBefore = null) => new()
        {
            JobId = id,
            Tenant = tenant,
            IdempotencyKey = key,
            Type = "report",
            Queue = queue,
            Priority = priority,
            Params = "{}",
            Resources = resources ?? [],
            At = T0,
            NotBefore = notBefore ?? T0,
            Timeout = TimeSpan.FromMinutes(5),
            Retry = RetryPolicy.Default,
        };

    /// <summary>A node: its own journal (own connection pool) and index over the schema, and a store over them.</summary>
    public static async Task<JobStore> OpenNodeStoreAsync(PostgresJobsSchema schema)
    {
        var (journal, index) = await schema.OpenNodeAsync();
        return new JobStore(journal, index, NewSerializer());
    }
}
