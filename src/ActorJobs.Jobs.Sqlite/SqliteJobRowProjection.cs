using ActorJobs.Jobs.Sqlite.Queries;
using ActorJobs.Jobs.Store;
using ActorJobs.Persistence.Schema;
using ActorJobs.Persistence.Sqlite.Projections;
using Microsoft.Data.Sqlite;
using SQLitePCL;

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

    private static readonly IReadOnlyList<SchemaMigration> Steps =
        SchemaMigration.FromEmbeddedResources(typeof(SqliteJobRowProjection).Assembly, "ActorJobs.Jobs.Sqlite.Migrations.", Module);

    // Runs only on the journal's writer, one batch at a time.
    private SqliteJobRowUpsert? _upsert;

    public override IReadOnlyList<SchemaMigration> Migrations => Steps;

    protected override void Apply(SqliteProjectionContext context, JobRowUpdate update)
    {
        // The writer's connection, through a command of the context: a failed batch replaces it, and the upsert with it.
        var connection = context.Command(JobIndexQueries.SelectIdByIdempotencyKey).Connection!;
        if (_upsert?.Connection != connection)
        {
            _upsert?.Dispose();
            _upsert = null; // if preparing throws, the next batch prepares again
            _upsert = SqliteJobRowUpsert.Prepare(connection);
        }

        var rc = _upsert.Execute(update);
        if (rc == raw.SQLITE_DONE)
        {
            return;
        }

        var state = update.State;
        if (_upsert.ExtendedErrorCode == UniqueConstraintFailed && state.IdempotencyKey is { } key)
        {
            // The statement alone was undone; the transaction still reads, so the message can name the holder.
            var holder = context.Command(JobIndexQueries.SelectIdByIdempotencyKey);
            holder.Parameters.AddWithValue("$tenant", state.Tenant);
            holder.Parameters.AddWithValue("$idempotency_key", key);
            throw new InvalidOperationException(
                $"idempotency key '{key}' of tenant '{state.Tenant}' is already used by job {holder.ExecuteScalar()}",
                new SqliteException("UNIQUE constraint failed: jobs.tenant, jobs.idempotency_key", rc, UniqueConstraintFailed));
        }

        _upsert.Throw(rc);
    }
}
