using System.Text;
using ActorJobs.Jobs.PostgreSql.Queries;
using ActorJobs.Jobs.Store;
using ActorJobs.Persistence.PostgreSql.Projections;
using ActorJobs.Persistence.Schema;
using Npgsql;
using NpgsqlTypes;

namespace ActorJobs.Jobs.PostgreSql;

/// <summary>
/// Writes a batch's job rows in the journal's transaction with one <c>unnest</c> upsert (plus, when the batch carries
/// idempotency keys, one check that names the job already holding a key). Registered through
/// <see cref="PostgreSqlJobIndex.CreateProjection"/>.
/// </summary>
internal sealed class PostgreSqlJobRowProjection : PostgreSqlProjection<JobRowUpdate>
{
    public const string Module = "job_index";

    private const char ResourceSeparator = '\u001f';

    private static readonly IReadOnlyList<SchemaMigration> Steps =
        SchemaMigration.FromEmbeddedResources(typeof(PostgreSqlJobRowProjection).Assembly, "ActorJobs.Jobs.PostgreSql.Migrations.", Module);

    public override IReadOnlyList<SchemaMigration> Migrations => Steps;

    protected override void AddCommands(NpgsqlBatch batch, IReadOnlyList<JobRowUpdate> updates)
    {
        var rows = LastPerJob(updates);
        var count = rows.Count;
        var ids = new string[count];
        var tenants = new string[count];
        var keys = new string?[count];
        var types = new string[count];
        var queues = new string[count];
        var statuses = new string[count];
        var priorities = new int[count];
        var scheduledAts = new DateTimeOffset[count];
        var createdAts = new DateTimeOffset[count];
        var finishedAts = new DateTimeOffset?[count];
        var updatedAts = new DateTimeOffset[count];
        var leaseOwners = new string?[count];
        var leaseExpiresAts = new DateTimeOffset?[count];
        var fences = new long[count];
        var resources = new string[count];
        var versions = new long[count];
        var states = new string[count];
        var anyKey = false;
        HashSet<string>? wake = null;
        for (var i = 0; i < count; i++)
        {
            var (state, lease, json) = rows[i];
            if (WakeQueueOf(state) is { } queue)
            {
                (wake ??= new HashSet<string>(StringComparer.Ordinal)).Add(queue);
            }

            ids[i] = state.Id;
            tenants[i] = state.Tenant;
            keys[i] = state.IdempotencyKey;
            anyKey |= state.IdempotencyKey is not null;
            types[i] = state.Type;
            queues[i] = state.Queue;
            statuses[i] = state.Status.WireName();
            priorities[i] = state.Priority;
            scheduledAts[i] = state.ScheduledAt.ToUniversalTime();
            createdAts[i] = state.CreatedAt.ToUniversalTime();
            finishedAts[i] = state.FinishedAt?.ToUniversalTime();
            updatedAts[i] = state.UpdatedAt.ToUniversalTime();
            leaseOwners[i] = state.LeaseOwner;
            leaseExpiresAts[i] = lease?.ToUniversalTime();
            fences[i] = state.Fence;
            resources[i] = JoinResources(state);
            versions[i] = state.Version;
            states[i] = Encoding.UTF8.GetString(json);
        }

        if (anyKey)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(JobIndexQueries.FailOnTakenKeys)
            {
                Parameters =
                {
                    new NpgsqlParameter<string[]>("ids", ids),
                    new NpgsqlParameter<string[]>("tenants", tenants),
                    new NpgsqlParameter<string?[]>("idempotency_keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = keys },
                },
            });
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand(JobIndexQueries.UpsertJobs)
        {
            Parameters =
            {
                new NpgsqlParameter<string[]>("ids", ids),
                new NpgsqlParameter<string[]>("tenants", tenants),
                new NpgsqlParameter<string?[]>("idempotency_keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = keys },
                new NpgsqlParameter<string[]>("types", types),
                new NpgsqlParameter<string[]>("queues", queues),
                new NpgsqlParameter<string[]>("statuses", statuses),
                new NpgsqlParameter<int[]>("priorities", priorities),
                new NpgsqlParameter<DateTimeOffset[]>("scheduled_ats", scheduledAts),
                new NpgsqlParameter<DateTimeOffset[]>("created_ats", createdAts),
                new NpgsqlParameter<DateTimeOffset?[]>("finished_ats", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = finishedAts },
                new NpgsqlParameter<DateTimeOffset[]>("updated_ats", updatedAts),
                new NpgsqlParameter<string?[]>("lease_owners", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = leaseOwners },
                new NpgsqlParameter<DateTimeOffset?[]>("lease_expires_ats", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = leaseExpiresAts },
                new NpgsqlParameter<long[]>("fences", fences),
                new NpgsqlParameter<string[]>("resources", resources),
                new NpgsqlParameter<long[]>("versions", versions),
                new NpgsqlParameter<string[]>("states", states),
            },
        });

        if (wake is not null)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(JobIndexQueries.NotifyWork)
            {
                Parameters = { new NpgsqlParameter<string[]>("wake_queues", wake.Contains(JobEngine.WakeAllQueues) ? [JobEngine.WakeAllQueues] : [.. wake]) },
            });
        }
    }

    /// <summary>
    /// The queue another node should look at after this row is written, as the engine decides
    /// for this node: a job's queue once it may be claimed (even if due later: the woken queue then learns when), or
    /// every queue once a job gives its resources back.
    /// </summary>
    private static string? WakeQueueOf(JobState state) =>
        state.Resources.Count > 0 && !state.Status.IsOwned() && state.Status != JobStatus.Waiting ? JobEngine.WakeAllQueues
        : state.Status.IsClaimable() ? state.Queue
        : null;

    /// <summary>
    /// One row per job (an upsert may not touch a row twice), the last state of each, sorted by id so two batches lock
    /// rows in the same order. A claim's lease survives later writes of the same batch while the job stays owned.
    /// </summary>
    private static List<(JobState State, DateTimeOffset? Lease, byte[] Json)> LastPerJob(IReadOnlyList<JobRowUpdate> updates)
    {
        var byId = new Dictionary<string, (JobState State, DateTimeOffset? Lease, byte[] Json)>(updates.Count, StringComparer.Ordinal);
        foreach (var update in updates)
        {
            var lease = update.LeaseExpiresAt;
            if (lease is null && update.State.Status.IsOwned() && byId.TryGetValue(update.State.Id, out var earlier))
            {
                lease = earlier.Lease;
            }

            byId[update.State.Id] = (update.State, lease, update.StateJson);
        }

        var rows = byId.Values.ToList();
        rows.Sort((a, b) => string.CompareOrdinal(a.State.Id, b.State.Id));
        return rows;
    }

    private static string JoinResources(JobState state)
    {
        foreach (var resource in state.Resources)
        {
            if (resource.Contains(ResourceSeparator, StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"Job {state.Id} names a resource with the control character U+001F ('{resource.Replace(ResourceSeparator, '?')}'); resource names must not contain control characters.",
                    nameof(state));
            }
        }

        return string.Join(ResourceSeparator, state.Resources);
    }
}
