using System.Text.Json;
using ActorJobs.Jobs.Sqlite.Queries;
using ActorJobs.Jobs.Store;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Sqlite;
using ActorJobs.Persistence.Sqlite.Projections;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ActorJobs.Jobs.Sqlite;

/// <summary>
/// The job rows in the SQLite journal's file: projected in the journal's transaction (register
/// <see cref="CreateProjection"/> before opening the journal), queried on the journal's pooled reader connections,
/// and changed outside events (renewals, requests, logs, deletes, pauses) through the journal's single writer, so
/// nothing here ever waits on SQLite's write lock against the journal.
/// </summary>
/// <example>
/// <code>
/// var options = new SqlitePersistenceOptions { ConnectionString = "Data Source=jobs.db" };
/// options.Projections.Add(SqliteJobIndex.CreateProjection());
/// var journal = SqliteJournal.Open(options);
/// var index = new SqliteJobIndex(journal);
/// </code>
/// </example>
/// <remarks>Times are compared at microsecond precision, as they are stored (and as PostgreSQL stores them).</remarks>
public sealed partial class SqliteJobIndex : IJobIndex
{
    private readonly SqliteJournal _journal;

    /// <summary>Creates the index over a journal opened with its projection.</summary>
    /// <exception cref="ArgumentException">The journal was opened without <see cref="CreateProjection"/>.</exception>
    public SqliteJobIndex(SqliteJournal journal)
    {
        ArgumentNullException.ThrowIfNull(journal);
        if (!journal.HasProjectionFor(typeof(JobRowUpdate)))
        {
            throw new ArgumentException(
                "The SQLite journal was opened without the job index's projection; add SqliteJobIndex.CreateProjection() to SqlitePersistenceOptions.Projections before SqliteJournal.Open.",
                nameof(journal));
        }

        _journal = journal;
    }

    /// <summary>
    /// The projection that writes job rows in the journal's transaction and brings their tables (module
    /// <c>job_index</c>) up to date at startup. Add it to <see cref="SqlitePersistenceOptions.Projections"/>.
    /// </summary>
    public static SqliteProjection CreateProjection() => new SqliteJobRowProjection();

    /// <inheritdoc />
    public Task<JobState?> GetAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        using var connection = _journal.OpenReadConnection();
        using var command = Command(connection, JobIndexQueries.SelectJob);
        command.Parameters.AddWithValue("$id", jobId);
        return Task.FromResult(command.ExecuteScalar() is string json ? JobRowJson.Deserialize(json) : null);
    }

    /// <inheritdoc />
    public Task<JobState?> FindByIdempotencyKeyAsync(string tenant, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(idempotencyKey);
        using var connection = _journal.OpenReadConnection();
        using var command = Command(connection, JobIndexQueries.SelectJobByIdempotencyKey);
        command.Parameters.AddWithValue("$tenant", tenant);
        command.Parameters.AddWithValue("$idempotency_key", idempotencyKey);
        return Task.FromResult(command.ExecuteScalar() is string json ? JobRowJson.Deserialize(json) : null);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<JobState>> FindByIdempotencyKeysAsync(string tenant, IReadOnlyList<string> idempotencyKeys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(idempotencyKeys);
        if (idempotencyKeys.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<JobState>>([]);
        }

        using var connection = _journal.OpenReadConnection();
        using var command = Command(connection, JobIndexQueries.SelectJobsByIdempotencyKeys);
        command.Parameters.AddWithValue("$tenant", tenant);
        command.Parameters.AddWithValue("$keys", JsonSerializer.Serialize(idempotencyKeys));
        return Task.FromResult<IReadOnlyList<JobState>>(ReadStates(command));
    }

    /// <inheritdoc />
    /// <remarks>Every claim runs this and the next one: on the journal's readers, prepared once, the state read as UTF-8.</remarks>
    public Task<IReadOnlyList<JobState>> SelectDueAsync(string queue, DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queue);
        var reader = _journal.RentReader();
        var failed = true;
        sqlite3_stmt? statement = null;
        try
        {
            statement = reader.Prepared(JobIndexQueries.SelectDue, "$queue", "$now", "$limit");
            reader.BindText(statement, 1, queue);
            reader.BindInt64(statement, 2, JournalTimestamp.ToUnixMicroseconds(now));
            reader.BindInt64(statement, 3, Math.Max(0, limit));
            var states = new List<JobState>();
            while (reader.Step(statement))
            {
                // For a text column, column_blob gives its UTF-8 bytes as stored.
                states.Add(JobRowJson.Deserialize(raw.sqlite3_column_blob(statement, 0)));
            }

            failed = false;
            return Task.FromResult<IReadOnlyList<JobState>>(states);
        }
        finally
        {
            if (statement is not null)
            {
                SqliteReader.Reset(statement);
            }

            _journal.ReturnReader(reader, failed);
        }
    }

    /// <inheritdoc />
    public Task<DateTimeOffset?> NextDueAfterAsync(string queue, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queue);
        var reader = _journal.RentReader();
        var failed = true;
        sqlite3_stmt? statement = null;
        try
        {
            statement = reader.Prepared(JobIndexQueries.SelectNextDueAfter, "$queue", "$now");
            reader.BindText(statement, 1, queue);
            reader.BindInt64(statement, 2, JournalTimestamp.ToUnixMicroseconds(now));
            DateTimeOffset? next = reader.Step(statement) && raw.sqlite3_column_type(statement, 0) != raw.SQLITE_NULL
                ? JournalTimestamp.FromUnixMicroseconds(raw.sqlite3_column_int64(statement, 0))
                : null;
            failed = false;
            return Task.FromResult(next);
        }
        finally
        {
            if (statement is not null)
            {
                SqliteReader.Reset(statement);
            }

            _journal.ReturnReader(reader, failed);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<HeldResource>> ReadHeldResourcesAsync(CancellationToken cancellationToken = default)
    {
        using var connection = _journal.OpenReadConnection();
        using var command = Command(connection, JobIndexQueries.SelectHeldResources);
        using var reader = command.ExecuteReader();
        var held = new List<HeldResource>();
        while (reader.Read())
        {
            held.Add(new HeldResource(reader.GetString(0), reader.GetString(1)));
        }

        return Task.FromResult<IReadOnlyList<HeldResource>>(held);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<JobState>> SelectExpiredLeasesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        using var connection = _journal.OpenReadConnection();
        using var command = Command(connection, JobIndexQueries.SelectExpiredLeases);
        command.Parameters.AddWithValue("$now", JournalTimestamp.ToUnixMicroseconds(now));
        command.Parameters.AddWithValue("$limit", Math.Max(0, limit));
        return Task.FromResult<IReadOnlyList<JobState>>(ReadStates(command));
    }

    /// <inheritdoc />
    public Task<JobPage> ListAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        using var connection = _journal.OpenReadConnection();

        // One read transaction, so the page and the total see the same rows.
        using var transaction = connection.BeginTransaction(deferred: true);
        using var page = Command(connection, JobIndexQueries.ListJobs);
        page.Transaction = transaction;
        BindListFilter(page, query);
        page.Parameters.AddWithValue("$order", query.OrderBy switch
        {
            JobOrder.Scheduled => "scheduled",
            JobOrder.Priority => "priority",
            _ => "created",
        });
        page.Parameters.AddWithValue("$direction", query.Descending ? -1 : 1);
        page.Parameters.AddWithValue("$limit", Math.Max(0, query.Limit));
        page.Parameters.AddWithValue("$offset", Math.Max(0, query.Offset));
        var jobs = ReadStates(page);

        using var count = Command(connection, JobIndexQueries.CountListedJobs);
        count.Transaction = transaction;
        BindListFilter(count, query);
        var total = (long)count.ExecuteScalar()!;
        transaction.Commit();
        return Task.FromResult(new JobPage(jobs, total));
    }

    /// <inheritdoc />
    public Task<long> CountAheadAsync(string jobId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        using var connection = _journal.OpenReadConnection();
        using var command = Command(connection, JobIndexQueries.CountAhead);
        command.Parameters.AddWithValue("$id", jobId);
        command.Parameters.AddWithValue("$now", JournalTimestamp.ToUnixMicroseconds(now));
        return Task.FromResult(command.ExecuteScalar() is long ahead ? ahead : 0L);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StatusCount>> CountByStatusAsync(string? tenant, CancellationToken cancellationToken = default)
    {
        using var connection = _journal.OpenReadConnection();
        using var command = Command(connection, JobIndexQueries.CountByStatus);
        command.Parameters.AddWithValue("$tenant", (object?)tenant ?? DBNull.Value);
        using var reader = command.ExecuteReader();
        var counts = new List<StatusCount>();
        while (reader.Read())
        {
            counts.Add(new StatusCount(reader.GetString(0), JobStatuses.Parse(reader.GetString(1)), reader.GetInt64(2)));
        }

        // The same order as the in-memory index: queues by ordinal name, statuses by their place in a job's life.
        IReadOnlyList<StatusCount> ordered = [.. counts.OrderBy(c => c.Queue, StringComparer.Ordinal).ThenBy(c => c.Status)];
        return Task.FromResult(ordered);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<JobLogLine>> ReadLogsAsync(string jobId, long afterNumber, int max, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        using var connection = _journal.OpenReadConnection();
        using var command = Command(connection, JobIndexQueries.SelectLogLines);
        command.Parameters.AddWithValue("$job_id", jobId);
        command.Parameters.AddWithValue("$after_number", afterNumber);
        command.Parameters.AddWithValue("$max", Math.Max(0, max));
        using var reader = command.ExecuteReader();
        var lines = new List<JobLogLine>();
        while (reader.Read())
        {
            lines.Add(new JobLogLine(
                jobId, reader.GetInt32(0), JournalTimestamp.FromUnixMicroseconds(reader.GetInt64(1)), reader.GetString(2), reader.GetString(3), reader.GetInt64(4)));
        }

        return Task.FromResult<IReadOnlyList<JobLogLine>>(lines);
    }

    /// <inheritdoc />
    public Task<IReadOnlySet<string>> ReadPausedQueuesAsync(CancellationToken cancellationToken = default)
    {
        using var connection = _journal.OpenReadConnection();
        using var command = Command(connection, JobIndexQueries.SelectPausedQueues);
        using var reader = command.ExecuteReader();
        var paused = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            paused.Add(reader.GetString(0));
        }

        return Task.FromResult<IReadOnlySet<string>>(paused);
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
#pragma warning disable CA2100 // Every caller passes a named query of JobIndexQueries; values go in as parameters.
        command.CommandText = sql;
#pragma warning restore CA2100
        return command;
    }

    private static List<JobState> ReadStates(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var states = new List<JobState>();
        while (reader.Read())
        {
            states.Add(JobRowJson.Deserialize(reader.GetString(0)));
        }

        return states;
    }

    private static void BindListFilter(SqliteCommand command, JobQuery query)
    {
        command.Parameters.AddWithValue("$tenant", (object?)query.Tenant ?? DBNull.Value);
        command.Parameters.AddWithValue("$statuses", JsonListOrNull(query.Statuses.Select(s => s.WireName()).ToList()));
        command.Parameters.AddWithValue("$types", JsonListOrNull(query.Types));
        command.Parameters.AddWithValue("$queues", JsonListOrNull(query.Queues));
    }

    private static object JsonListOrNull(IReadOnlyList<string> values) =>
        values.Count == 0 ? DBNull.Value : JsonSerializer.Serialize(values, JobRowJson.Options);
}
