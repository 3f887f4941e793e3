using ActorJobs.Persistence.PostgreSql.Projections;
using ActorJobs.Persistence.Schema;
using ActorJobs.Persistence.Sqlite.Projections;
using Npgsql;

namespace ActorJobs.Persistence.Tests.Support;

/// <summary>The test read model: one row per job with its status, committed with the job's events.</summary>
internal static class JobRowQueries
{
    public const string Module = "test_job_rows";

    public const string CreateTableSqlite =
        "CREATE TABLE test_job_rows (job_id TEXT PRIMARY KEY, status TEXT NOT NULL)";

    public const string UpsertSqlite =
        """
        INSERT INTO test_job_rows (job_id, status) VALUES ($job_id, $status)
        ON CONFLICT (job_id) DO UPDATE SET status = excluded.status
        """;

    public const string SelectStatusSqlite = "SELECT status FROM test_job_rows WHERE job_id = $job_id";

    public const string CreateTablePostgres =
        "CREATE TABLE test_job_rows (job_id text PRIMARY KEY, status text NOT NULL)";

    public const string UpsertPostgres =
        """
        INSERT INTO test_job_rows (job_id, status)
        SELECT * FROM unnest(@job_ids, @statuses)
        ON CONFLICT (job_id) DO UPDATE SET status = excluded.status
        """;

    public const string SelectStatusPostgres = "SELECT status FROM test_job_rows WHERE job_id = @job_id";
}

internal sealed class SqliteJobRowProjection : SqliteProjection<JobRowUpdate>
{
    public override IReadOnlyList<SchemaMigration> Migrations { get; } =
        [new SchemaMigration(JobRowQueries.Module, 1, "create test job rows", JobRowQueries.CreateTableSqlite)];

    protected override void Apply(SqliteProjectionContext context, JobRowUpdate update)
    {
        var command = context.Command(JobRowQueries.UpsertSqlite);
        command.Parameters.AddWithValue("$job_id", update.JobId);
        command.Parameters.AddWithValue("$status", (object?)update.Status ?? DBNull.Value);
        command.ExecuteNonQuery();
    }
}

internal sealed class PostgresJobRowProjection : PostgreSqlProjection<JobRowUpdate>
{
    public override IReadOnlyList<SchemaMigration> Migrations { get; } =
        [new SchemaMigration(JobRowQueries.Module, 1, "create test job rows", JobRowQueries.CreateTablePostgres)];

    protected override void AddCommands(NpgsqlBatch batch, IReadOnlyList<JobRowUpdate> updates)
    {
        // One upsert may touch a row once, so a batch's updates of one job collapse to the last.
        var last = new Dictionary<string, string?>();
        foreach (var update in updates)
        {
            last[update.JobId] = update.Status;
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand(JobRowQueries.UpsertPostgres)
        {
            Parameters =
            {
                new NpgsqlParameter<string[]>("job_ids", [.. last.Keys]),
                new NpgsqlParameter<string?[]>("statuses", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = [.. last.Values] },
            },
        });
    }
}
