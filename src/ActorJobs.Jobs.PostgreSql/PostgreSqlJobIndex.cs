using System.Data;
using ActorJobs.Jobs.PostgreSql.Queries;
using ActorJobs.Jobs.Store;
using ActorJobs.Persistence.PostgreSql;
using ActorJobs.Persistence.PostgreSql.Projections;
using Npgsql;
using NpgsqlTypes;

namespace ActorJobs.Jobs.PostgreSql;

/// <summary>
/// The job rows in the PostgreSQL journal's database, shared by every node: projected in the journal's transaction
/// (register <see cref="CreateProjection"/> in the journal's options before opening it), queried on the journal's
/// connection pool, and claimed with <c>FOR UPDATE SKIP LOCKED</c> so nodes that claim one queue at once take
/// disjoint jobs (<see cref="IAtomicJobClaims"/>).
/// </summary>
/// <example>
/// <code>
/// var options = new PostgreSqlPersistenceOptions { ConnectionString = "Host=db;Database=jobs" };
/// options.Projections.Add(PostgreSqlJobIndex.CreateProjection());
/// var journal = await PostgreSqlJournal.OpenAsync(options);
/// var index = new PostgreSqlJobIndex(journal);
/// </code>
/// </example>
/// <remarks>Times are compared at microsecond precision, as PostgreSQL stores them.</remarks>
public sealed partial class PostgreSqlJobIndex : IJobIndex, IAtomicJobClaims
{
    private readonly PostgreSqlJournal _journal;

    /// <summary>Creates the index over a journal opened with its projection.</summary>
    /// <exception cref="ArgumentException">The journal was opened without <see cref="CreateProjection"/>.</exception>
    public PostgreSqlJobIndex(PostgreSqlJournal journal)
    {
        ArgumentNullException.ThrowIfNull(journal);
        if (!journal.HasProjectionFor(typeof(JobRowUpdate)))
        {
            throw new ArgumentException(
                "The PostgreSQL journal was opened without the job index's projection; add PostgreSqlJobIndex.CreateProjection() to PostgreSqlPersistenceOptions.Projections before opening the journal.",
                nameof(journal));
        }

        _journal = journal;
    }

    /// <summary>
    /// The projection that writes job rows in the journal's transaction and brings their tables (module
    /// <c>job_index</c>) up to date with the journal's migrations. Add it to <see cref="PostgreSqlPersistenceOptions.Projections"/>.
    /// </summary>
    public static PostgreSqlProjection CreateProjection() => new PostgreSqlJobRowProjection();

    /// <inheritdoc />
    public async Task<JobState?> GetAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        await using var connection = await _journal.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, JobIndexQueries.SelectJob);
        command.Parameters.Add(new NpgsqlParameter<string>("id", jobId));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string json ? JobRowJson.Deserialize(json) : null;
    }

    /// <inheritdoc />
    public async Task<JobState?> FindByIdempotencyKeyAsync(string tenant, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(idempotencyKey);
        await using var connection = await _journal.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, JobIndexQueries.SelectJobByIdempotencyKey);
        command.Parameters.Add(new NpgsqlParameter<string>("tenant", tenant));
        command.Parameters.Add(new NpgsqlParameter<string>("idempotency_key", idempotencyKey));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string json ? JobRowJson.Deserialize(json) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<JobState>> FindByIdempotencyKeysAsync(string tenant, IReadOnlyList<string> idempotencyKeys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(idempotencyKeys);
        if (idempotencyKeys.Count == 0)
        {
            return [];
        }

        await using var connection = await _journal.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, JobIndexQueries.SelectJobsByIdempotencyKeys);
        command.Parameters.Add(new NpgsqlParameter<string>("tenant", tenant));
        command.Parameters.Add(new NpgsqlParameter<string[]>("keys", [.. idempotencyKeys]));
        return await ReadStatesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<JobState>> SelectDueAsync(string queue, DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queue);
        await using var connection = await _journal.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, JobIndexQueries.SelectDue);
        AddDueParameters(command.Parameters, queue, now, limit);
        return await ReadStatesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset?> NextDueAfterAsync(string queue, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queue);
        await using var connection = await _journal.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, JobIndexQueries.SelectNextDueAfter);
        command.Parameters.Add(new NpgsqlParameter<string>("queue", queue));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now.ToUniversalTime()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return reader.IsDBNull(0) ? null : reader.GetFieldValue<DateTimeOffset>(0);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<HeldResource>> ReadHeldResourcesAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _journal.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, JobIndexQueries.SelectHeldResources);
        return await ReadHeldAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<JobState>> SelectExpiredLeasesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await _journal.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, JobIndexQueries.SelectExpiredLeases);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now.ToUniversalTime()));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", Math.Max(0, limit)));
        return await ReadStatesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<JobPage> ListAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await _journal.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        // One snapshot for both statements, so the page and the total see the same rows.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction);
        var page = new NpgsqlBatchCommand(ListQuery(query));
        AddListFilter(page.Parameters, query);
        page.Parameters.Add(new NpgsqlParameter<int>("limit", Math.Max(0, query.Limit)));
        page.Parameters.Add(new NpgsqlParameter<int>("offset", Math.Max(0, query.Offset)));
        var count = new NpgsqlBatchCommand(JobIndexQueries.CountListedJobs);
        AddListFilter(count.Parameters, query);
        batch.BatchCommands.Add(page);
        batch.BatchCommands.Add(count);

        var jobs = new List<JobState>();
        long total;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                jobs.Add(JobRowJson.Deserialize(reader.GetString(0)));
            }

            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            total = reader.GetInt64(0);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new JobPage(jobs, total);
    }

    /// <inheritdoc />
    public async Task<long> CountAheadAsync(string jobId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        await using var connection = await _journal.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, JobIndexQueries.CountAhead);
        command.Parameters.Add(new NpgsqlParameter<string>("id", jobId));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now.ToUniversalTime()));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long ahead ? ahead : 0L;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StatusCount>> CountByStatusAsync(string? tenant, CancellationToken cancellationToken = default)
    {
        await using var connection = await _journal.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, JobIndexQueries.CountByStatus);
        command.Parameters.Add(new NpgsqlParameter("tenant", NpgsqlDbType.Text) { Value = (object?)tenant ?? DBNull.Value });
        var counts = new List<StatusCount>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                counts.Add(new StatusCount(reader.GetString(0), JobStatuses.Parse(reader.GetString(1)), reader.GetInt64(2)));
            }
        }

        // The same order as the in-memory index: queues by ordinal name, statuses by their place in a job's life.
        return [.. counts.OrderBy(c => c.Queue, StringComparer.Ordinal).ThenBy(c => c.Status)];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<JobLogLine>> ReadLogsAsync(string jobId, long afterNumber, int max, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        await using var connection = await _journal.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, JobIndexQueries.SelectLogLines);
        command.Parameters.Add(new NpgsqlParameter<string>("job_id", jobId));
        command.Parameters.Add(new NpgsqlParameter<long>("after_number", afterNumber));
        command.Parameters.Add(new NpgsqlParameter<int>("max", Math.Max(0, max)));
        var lines = new List<JobLogLine>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            lines.Add(new JobLogLine(
                jobId, reader.GetInt32(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4)));
        }

        return lines;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Read synchronously, so the task is complete when it is returned: a starting QueueActor pipes it to itself in
    /// PreStart, and a completed task arrives before any command sent to the queue afterwards. Read asynchronously, the
    /// answer could arrive after a pause the queue recorded meanwhile and undo it (the SQLite index, whose reads are
    /// synchronous too, never showed this). One small read per queue start.
    /// </remarks>
    public Task<IReadOnlySet<string>> ReadPausedQueuesAsync(CancellationToken cancellationToken = default)
    {
        using var connection = _journal.OpenConnection();
        using var command = Command(connection, JobIndexQueries.SelectPausedQueues);
        var paused = new HashSet<string>(StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            paused.Add(reader.GetString(0));
        }

        return Task.FromResult<IReadOnlySet<string>>(paused);
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql)
    {
#pragma warning disable CA2100 // Every caller passes a named query of JobIndexQueries; values go in as parameters.
        return new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
    }

    private static void AddDueParameters(NpgsqlParameterCollection parameters, string queue, DateTimeOffset now, int limit)
    {
        parameters.Add(new NpgsqlParameter<string>("queue", queue));
        parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now.ToUniversalTime()));
        parameters.Add(new NpgsqlParameter<int>("limit", Math.Max(0, limit)));
    }

    private static async Task<IReadOnlyList<JobState>> ReadStatesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var states = new List<JobState>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            states.Add(JobRowJson.Deserialize(reader.GetString(0)));
        }

        return states;
    }

    private static async Task<IReadOnlyList<HeldResource>> ReadHeldAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var held = new List<HeldResource>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            held.Add(new HeldResource(reader.GetString(0), reader.GetString(1)));
        }

        return held;
    }

    private static string ListQuery(JobQuery query) => (query.OrderBy, query.Descending) switch
    {
        (JobOrder.Scheduled, false) => JobIndexQueries.ListJobsByScheduled,
        (JobOrder.Scheduled, true) => JobIndexQueries.ListJobsByScheduledDescending,
        (JobOrder.Priority, false) => JobIndexQueries.ListJobsByPriority,
        (JobOrder.Priority, true) => JobIndexQueries.ListJobsByPriorityDescending,
        (_, false) => JobIndexQueries.ListJobsByCreated,
        (_, true) => JobIndexQueries.ListJobsByCreatedDescending,
    };

    private static void AddListFilter(NpgsqlParameterCollection parameters, JobQuery query)
    {
        parameters.Add(new NpgsqlParameter("tenant", NpgsqlDbType.Text) { Value = (object?)query.Tenant ?? DBNull.Value });
        parameters.Add(TextArrayOrNull("statuses", [.. query.Statuses.Select(s => s.WireName())]));
        parameters.Add(TextArrayOrNull("types", query.Types));
        parameters.Add(TextArrayOrNull("queues", query.Queues));
    }

    private static NpgsqlParameter TextArrayOrNull(string name, IReadOnlyList<string> values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values.Count == 0 ? DBNull.Value : values.ToArray() };
}
