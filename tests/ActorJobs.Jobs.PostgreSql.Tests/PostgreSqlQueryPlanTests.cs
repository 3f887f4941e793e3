using ActorJobs.Jobs.PostgreSql.Queries;
using ActorJobs.Jobs.PostgreSql.Tests.Support;
using ActorJobs.Jobs.Store;
using Npgsql;
using static ActorJobs.Jobs.PostgreSql.Tests.Support.JobsFixture;

namespace ActorJobs.Jobs.PostgreSql.Tests;

/// <summary>
/// The queries a node runs all the time are driven by the partial indexes, never by a scan of the jobs table: checked
/// on the plans PostgreSQL chooses for a backlog of several queues, priorities, tenants and statuses.
/// </summary>
public sealed class PostgreSqlQueryPlanTests : IAsyncLifetime
{
    private PostgresJobsSchema _schema = null!;

    public async Task InitializeAsync()
    {
        _schema = await PostgresJobsSchema.CreateAsync();
        using var store = new JobStore(_schema.Journal, _schema.Index, NewSerializer());
        await store.SubmitAsync(
        [
            .. Enumerable.Range(0, 6000).Select(i => Job(
                $"job-{i:D5}",
                priority: 1 + (i % 10),
                queue: $"queue-{i % 6}",
                tenant: $"tenant-{i % 20}",
                notBefore: T0.AddSeconds(i % 3 == 0 ? 600 : -i))),
        ]);
        for (var q = 0; q < 6; q++)
        {
            await store.ClaimAsync($"queue-{q}", 50, "node-a", T0, T0.AddSeconds(30));
        }

        await _schema.QueryAsync("ANALYZE jobs");
    }

    public Task DisposeAsync() => _schema.DisposeAsync().AsTask();

    [Fact]
    public async Task Due_jobs_and_claims_seek_the_claim_index_priority_by_priority()
    {
        var due = await PlanAsync(JobIndexQueries.SelectDue, ("queue", "queue-1"), ("now", T0), ("limit", 20));
        var claim = await PlanAsync(JobIndexQueries.LockDueForClaim, ("queue", "queue-1"), ("now", T0), ("limit", 20));

        AssertIndexDriven(due, "jobs_claim");
        AssertIndexDriven(claim, "jobs_claim");
        Assert.Contains("LockRows", claim, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_next_due_time_seeks_the_claim_index_and_expired_leases_read_their_own()
    {
        AssertIndexDriven(await PlanAsync(JobIndexQueries.SelectNextDueAfter, ("queue", "queue-2"), ("now", T0)), "jobs_claim");
        AssertIndexDriven(await PlanAsync(JobIndexQueries.SelectExpiredLeases, ("now", T0.AddMinutes(1)), ("limit", 100)), "jobs_owned");
    }

    [Fact]
    public async Task A_position_counts_through_the_claim_index()
    {
        AssertIndexDriven(await PlanAsync(JobIndexQueries.CountAhead, ("id", "job-00007"), ("now", T0)), "jobs_claim");
    }

    [Fact]
    public async Task A_tenant_s_list_and_a_status_list_walk_their_indexes_in_order()
    {
        var byTenant = await PlanAsync(
            JobIndexQueries.ListJobsByCreatedDescending,
            ("tenant", "tenant-3"), ("statuses", DBNull.Value), ("types", DBNull.Value), ("queues", DBNull.Value), ("limit", 50), ("offset", 0));
        var byStatus = await PlanAsync(
            JobIndexQueries.ListJobsByCreated,
            ("tenant", DBNull.Value), ("statuses", new[] { "running" }), ("types", DBNull.Value), ("queues", DBNull.Value), ("limit", 50), ("offset", 0));

        AssertIndexDriven(byTenant, "jobs_tenant_created");
        AssertIndexDriven(byStatus, "jobs_status_created");
    }

    private static void AssertIndexDriven(string plan, string index)
    {
        Assert.Contains(index, plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan on jobs", plan, StringComparison.Ordinal);
    }

    private async Task<string> PlanAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(_schema.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
#pragma warning disable CA2100 // EXPLAIN of the index's own named queries.
        await using var explain = new NpgsqlCommand("EXPLAIN " + sql, connection, transaction);
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            explain.Parameters.Add(value switch
            {
                DBNull => new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.Unknown) { Value = DBNull.Value },
                DateTimeOffset at => new NpgsqlParameter<DateTimeOffset>(name, at),
                _ => new NpgsqlParameter(name, value),
            });
        }

        var lines = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                lines.Add(reader.GetString(0));
            }
        }

        await transaction.RollbackAsync();
        return string.Join('\n', lines);
    }
}
