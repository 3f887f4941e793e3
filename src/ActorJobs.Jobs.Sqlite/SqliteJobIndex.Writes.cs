using System.Text.Json;
using ActorJobs.Jobs.Sqlite.Queries;
using ActorJobs.Jobs.Store;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Sqlite.Projections;

namespace ActorJobs.Jobs.Sqlite;

/// <summary>The index's writes that are not job events, each one transaction on the journal's writer.</summary>
public sealed partial class SqliteJobIndex
{
    /// <inheritdoc />
    public Task<LeaseRenewal> RenewLeasesAsync(string owner, IReadOnlyList<JobLease> leases, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(leases);
        if (leases.Count == 0)
        {
            return Task.FromResult(new LeaseRenewal([], []));
        }

        var untilMicroseconds = JournalTimestamp.ToUnixMicroseconds(until);
        return _journal.ExecuteWriteAsync(context =>
        {
            var lost = new List<string>();
            var requests = new List<(string, OwnerRequest)>();
            foreach (var lease in leases)
            {
                var check = context.Command(JobIndexQueries.SelectHeldLeaseRequests);
                check.Parameters.AddWithValue("$id", lease.JobId);
                check.Parameters.AddWithValue("$owner", owner);
                check.Parameters.AddWithValue("$fence", lease.Fence);
                string? left;
                using (var reader = check.ExecuteReader())
                {
                    if (!reader.Read())
                    {
                        lost.Add(lease.JobId);
                        continue;
                    }

                    left = reader.IsDBNull(0) ? null : reader.GetString(0);
                }

                var renew = context.Command(JobIndexQueries.RenewLease);
                renew.Parameters.AddWithValue("$id", lease.JobId);
                renew.Parameters.AddWithValue("$until", untilMicroseconds);
                renew.ExecuteNonQuery();
                if (left is not null)
                {
                    foreach (var name in JsonSerializer.Deserialize<string[]>(left, JobRowJson.Options) ?? [])
                    {
                        requests.Add((lease.JobId, OwnerRequestNames.Parse(name)));
                    }
                }
            }

            return new LeaseRenewal(lost, requests);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task RequestOfOwnerAsync(string jobId, OwnerRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        var name = OwnerRequestNames.Of(request);
        return _journal.ExecuteWriteAsync(context =>
        {
            var command = context.Command(JobIndexQueries.AppendOwnerRequest);
            command.Parameters.AddWithValue("$id", jobId);
            command.Parameters.AddWithValue("$request", name);
            return command.ExecuteNonQuery();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task AppendLogsAsync(IReadOnlyList<JobLogLine> lines, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (lines.Count == 0)
        {
            return Task.CompletedTask;
        }

        return _journal.ExecuteWriteAsync(context =>
        {
            foreach (var line in lines)
            {
                var command = context.Command(JobIndexQueries.AppendLogLine);
                command.Parameters.AddWithValue("$job_id", line.JobId);
                command.Parameters.AddWithValue("$attempt", line.Attempt);
                command.Parameters.AddWithValue("$at", JournalTimestamp.ToUnixMicroseconds(line.At));
                command.Parameters.AddWithValue("$level", line.Level);
                command.Parameters.AddWithValue("$message", line.Message);
                command.ExecuteNonQuery();
            }

            return lines.Count;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteFinalAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        return _journal.ExecuteWriteAsync(context =>
        {
            var command = context.Command(JobIndexQueries.DeleteFinalJob);
            command.Parameters.AddWithValue("$id", jobId);
            if (command.ExecuteNonQuery() == 0)
            {
                return false;
            }

            DeleteLogAndEvents(context, jobId);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> PurgeFinishedBeforeAsync(DateTimeOffset cutoff, int max, CancellationToken cancellationToken = default)
    {
        if (max <= 0)
        {
            return Task.FromResult(0);
        }

        return _journal.ExecuteWriteAsync(context =>
        {
            var command = context.Command(JobIndexQueries.PurgeFinishedJobs);
            command.Parameters.AddWithValue("$cutoff", JournalTimestamp.ToUnixMicroseconds(cutoff));
            command.Parameters.AddWithValue("$max", max);
            var purged = new List<string>();
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    purged.Add(reader.GetString(0));
                }
            }

            foreach (var jobId in purged)
            {
                DeleteLogAndEvents(context, jobId);
            }

            return purged.Count;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task SetQueuePausedAsync(string queue, bool paused, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return _journal.ExecuteWriteAsync(context =>
        {
            var command = context.Command(JobIndexQueries.UpsertQueuePaused);
            command.Parameters.AddWithValue("$name", queue);
            command.Parameters.AddWithValue("$paused", paused);
            return command.ExecuteNonQuery();
        }, cancellationToken);
    }

    private static void DeleteLogAndEvents(SqliteProjectionContext context, string jobId)
    {
        var log = context.Command(JobIndexQueries.DeleteLog);
        log.Parameters.AddWithValue("$job_id", jobId);
        log.ExecuteNonQuery();
        context.DeleteEntity(jobId);
    }
}
