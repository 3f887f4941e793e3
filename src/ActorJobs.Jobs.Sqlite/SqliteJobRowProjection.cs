using System.Text.Json;
using ActorJobs.Jobs.Sqlite.Queries;
using ActorJobs.Jobs.Store;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Schema;
using ActorJobs.Persistence.Sqlite.Projections;
using Microsoft.Data.Sqlite;

namespace ActorJobs.Jobs.Sqlite;

/// <summary>
/// Writes a job's row in the journal's transaction, from the <see cref="JobRowUpdate"/> every job write carries.
/// Registered through <see cref="SqliteJobIndex.CreateProjection"/>.
/// </summary>
internal sealed class SqliteJobRowProjection : SqliteProjection<JobRowUpdate>
{
    public const string Module = "job_index";

    // SQLITE_CONSTRAINT_UNIQUE: the only unique key an upsert on id can still hit is the tenant's idempotency key.
    private const int UniqueConstraintFailed = 2067;

    // What serializing an empty list gives; most jobs need no resource.
    private const string NoResources = "[]";

    private static readonly IReadOnlyList<SchemaMigration> Steps =
        SchemaMigration.FromEmbeddedResources(typeof(SqliteJobRowProjection).Assembly, "ActorJobs.Jobs.Sqlite.Migrations.", Module);

    public override IReadOnlyList<SchemaMigration> Migrations => Steps;

    protected override void Apply(SqliteProjectionContext context, JobRowUpdate update)
    {
        var state = update.State;
        var owned = state.Status.IsOwned();
        var command = context.Command(JobIndexQueries.UpsertJob);
        var parameters = command.Parameters;
        parameters.AddWithValue("$id", state.Id);
        parameters.AddWithValue("$tenant", state.Tenant);
        parameters.AddWithValue("$idempotency_key", (object?)state.IdempotencyKey ?? DBNull.Value);
        parameters.AddWithValue("$type", state.Type);
        parameters.AddWithValue("$queue", state.Queue);
        parameters.AddWithValue("$status", state.Status.WireName());
        parameters.AddWithValue("$priority", state.Priority);
        parameters.AddWithValue("$scheduled_at", JournalTimestamp.ToUnixMicroseconds(state.ScheduledAt));
        parameters.AddWithValue("$created_at", JournalTimestamp.ToUnixMicroseconds(state.CreatedAt));
        parameters.AddWithValue("$finished_at", state.FinishedAt is { } finished ? JournalTimestamp.ToUnixMicroseconds(finished) : DBNull.Value);
        parameters.AddWithValue("$updated_at", JournalTimestamp.ToUnixMicroseconds(state.UpdatedAt));
        parameters.AddWithValue("$lease_owner", (object?)state.LeaseOwner ?? DBNull.Value);
        parameters.AddWithValue("$lease_expires_at", update.LeaseExpiresAt is { } lease ? JournalTimestamp.ToUnixMicroseconds(lease) : DBNull.Value);
        parameters.AddWithValue("$owned", owned);
        parameters.AddWithValue("$fence", state.Fence);
        parameters.AddWithValue("$resources", state.Resources.Count == 0 ? NoResources : JsonSerializer.Serialize(state.Resources, JobRowJson.Options));
        parameters.AddWithValue("$version", state.Version);
        parameters.AddWithValue("$state", JobRowJson.Serialize(state));
        try
        {
            command.ExecuteNonQuery();
        }
        catch (SqliteException e) when (e.SqliteExtendedErrorCode == UniqueConstraintFailed && state.IdempotencyKey is { } key)
        {
            // The statement alone was undone; the transaction still reads, so the message can name the holder.
            var holder = context.Command(JobIndexQueries.SelectIdByIdempotencyKey);
            holder.Parameters.AddWithValue("$tenant", state.Tenant);
            holder.Parameters.AddWithValue("$idempotency_key", key);
            throw new InvalidOperationException(
                $"idempotency key '{key}' of tenant '{state.Tenant}' is already used by job {holder.ExecuteScalar()}", e);
        }
    }
}
