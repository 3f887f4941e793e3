using ActorJobs.Jobs;
using ActorJobs.Persistence.Tests.Support;
using Npgsql;

namespace ActorJobs.Hosting.Tests;

/// <summary>A node on PostgreSQL (run through scripts/with-postgres.sh; fails, never skips, without a server).</summary>
public sealed class PostgreSqlNodeTests
{
    [Fact]
    public async Task A_node_on_postgresql_runs_jobs_and_shows_its_connection_string_without_the_password()
    {
        var connectionString = await TestPostgres.CreateSchemaAsync();
        try
        {
            var password = new NpgsqlConnectionStringBuilder(connectionString).Password;
            await using var host = await TestHost.StartAsync(settings: new Dictionary<string, string?>
            {
                ["ActorJobs:Storage:Provider"] = "postgresql",
                ["ActorJobs:Storage:ConnectionString"] = connectionString,
            });
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));

            var job = (await host.Client.SubmitAsync(new JobSubmission { Type = "noop" }, cancel.Token)).State;

            Assert.Equal(JobStatus.Completed, (await TestHost.FinalAsync(host.Client, job.Id, cancel.Token)).Status);
            Assert.Equal("postgresql", host.Node.StorageProvider);
            Assert.False(File.Exists(Path.Combine(host.Directory, "jobs.db")), "no SQLite file beside a PostgreSQL node");
            Assert.Equal(ConnectionStrings.Redact(connectionString), host.Node.StorageLocation);
            if (!string.IsNullOrEmpty(password))
            {
                Assert.DoesNotContain(password, host.Node.StorageLocation, StringComparison.Ordinal);
            }
        }
        finally
        {
            await TestPostgres.DropSchemaAsync(connectionString);
        }
    }

    [Fact]
    public async Task An_idle_node_that_polls_hourly_starts_a_job_another_node_submitted_because_it_listens_for_work()
    {
        var connectionString = await TestPostgres.CreateSchemaAsync();
        try
        {
            var shared = new Dictionary<string, string?>
            {
                ["ActorJobs:Storage:Provider"] = "postgresql",
                ["ActorJobs:Storage:ConnectionString"] = connectionString,
                ["ActorJobs:Engine:PollIntervalMs"] = "3600000",
                ["ActorJobs:Scheduler:Enabled"] = "false",
            };
            await using var idle = await TestHost.StartAsync(settings: new Dictionary<string, string?>(shared) { ["ActorJobs:Node:Id"] = "idle-node" });
            await using var submitter = await TestHost.StartAsync(settings: new Dictionary<string, string?>(shared) { ["ActorJobs:Node:Id"] = "submitting-node" });
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await submitter.Node.Engine.StopClaimingAsync(cancel.Token);

            var job = (await submitter.Client.SubmitAsync(new JobSubmission { Type = "noop" }, cancel.Token)).State;

            var final = await TestHost.FinalAsync(idle.Client, job.Id, cancel.Token);
            Assert.Equal(JobStatus.Completed, final.Status);
            var history = await idle.Node.Engine.HistoryAsync(job.Id, cancellationToken: cancel.Token);
            Assert.Contains(history!, h => h.Event is JobClaimed { Owner: "idle-node" });
        }
        finally
        {
            await TestPostgres.DropSchemaAsync(connectionString);
        }
    }
}
