using System.Data;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.PostgreSql.Projections;
using ActorJobs.Persistence.PostgreSql.Queries;
using Npgsql;
using NpgsqlTypes;

namespace ActorJobs.Persistence.PostgreSql;

/// <summary>
/// The journal on PostgreSQL, shared by every node of a cluster. A batch is one transaction of three round trips:
/// read the highest numbers of its entities, insert every accepted event with one <c>unnest</c> statement (plus the
/// projections' commands), commit. Put a <see cref="BatchingJournalWriter"/> in front of it for group commit.
/// </summary>
/// <remarks>
/// <para>How the fence holds between nodes: the batch decides on the highest numbers it knows, then inserts with
/// a plain <c>INSERT</c>. If another node wrote one of those numbers in the meantime, PostgreSQL makes the insert
/// wait for that node's transaction and then fails it on the unique (persistence id, sequence number). The
/// batch then rolls back to a savepoint taken just before the insert (dropping the insert and the projections), reads
/// the highest numbers again (READ COMMITTED: the rival's commit is now visible), rejects the writes that lost, and
/// inserts the rest. A lost write is therefore rejected whole, and the other writes of the batch still commit. The
/// unique constraint makes a double write impossible and its violation makes it visible. (<c>ON CONFLICT DO NOTHING</c>
/// would say the same through the row count, but a speculative insert checks the index twice and logs an extra WAL
/// record per row, on the statement that carries every event of the batch.)</para>
/// <para>Because of that, the highest numbers may come from memory: the journal remembers them for the entities it
/// wrote, and reads only the ones it does not know. A remembered number can only be too low (numbers never go down),
/// and a write based on a too-low number always hits an existing row, since deleting events keeps every row as a
/// blank tombstone. The collision sends the batch down the re-read path above. This saves a lookup per event on the
/// busy path, where an entity's owner writes it over and over.</para>
/// <para>Rows go in sorted by (persistence id, sequence number), so two batches that touch the same entities
/// take their row locks in the same order and cannot deadlock each other.</para>
/// </remarks>
public sealed partial class PostgreSqlJournal : IJournal, IAsyncDisposable
{
    private const int MaxCollisionRetries = 10;

    // Bounds the memory of highest numbers; past it the journal starts over, costing one lookup per entity.
    private const int MaxRememberedEntities = 100_000;

    private readonly Dictionary<string, long> _rememberedHighest = new(StringComparer.Ordinal);
    private readonly Lock _rememberedLock = new();

    private readonly NpgsqlDataSource _dataSource;
    private readonly IReadOnlyDictionary<Type, PostgreSqlProjection> _projections;
    private readonly TimeProvider _timeProvider;

    /// <summary>
    /// Creates the journal without touching the database; run <see cref="PostgreSqlSchema.MigrateAsync"/> first, or use
    /// <see cref="OpenAsync"/>.
    /// </summary>
    /// <param name="options">Connection, clock and projections.</param>
    /// <exception cref="ArgumentException">The options are not usable; the message names the setting.</exception>
    public PostgreSqlJournal(PostgreSqlPersistenceOptions options)
    {
        _projections = ProjectionsByUpdateType(options?.Projections ?? throw new ArgumentNullException(nameof(options)));
        _dataSource = PostgreSqlDataSources.Create(options);
        _groupReplaySource = PostgreSqlDataSources.Create(options, withoutSequentialScans: true);
        _timeProvider = options.TimeProvider;
    }

    /// <summary>Applies pending migrations, then creates the journal.</summary>
    /// <param name="options">Connection, clock and projections.</param>
    /// <param name="cancellationToken">Cancels the migration.</param>
    /// <exception cref="InvalidOperationException">The database is unreachable or cannot be migrated.</exception>
    public static async Task<PostgreSqlJournal> OpenAsync(PostgreSqlPersistenceOptions options, CancellationToken cancellationToken = default)
    {
        var journal = new PostgreSqlJournal(options);
        try
        {
            await PostgreSqlSchema.MigrateAsync(options, cancellationToken).ConfigureAwait(false);
            return journal;
        }
        catch
        {
            await journal.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    // A batch chosen as a deadlock's victim is tried this many times in all.
    private const int MaxDeadlockAttempts = 3;

    /// <inheritdoc />
    public async Task<IReadOnlyList<AtomicWriteResult>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writes);
        if (writes.Count == 0)
        {
            return [];
        }

        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await WriteBatchAsync(writes, cancellationToken).ConfigureAwait(false);
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < MaxDeadlockAttempts)
                {
                    // The server rolled the whole batch back to break a deadlock with another transaction (a claim
                    // holding a job's row while it waits for this batch's event): nothing of it was written, so it is
                    // planned and written again, and the fence decides against whichever write is now stale.
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new JournalWriteException(
                $"Appending {writes.Count} atomic write(s) to the PostgreSQL journal at {PostgreSqlDataSources.Describe(_dataSource)} failed; none of their events is acknowledged: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredEvent> ReplayAsync(
        string persistenceId,
        long fromSequenceNr,
        long toSequenceNr,
        long max,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        await using var command = _dataSource.CreateCommand(JournalQueries.SelectEventRange);
        command.Parameters.Add(new NpgsqlParameter<string>("persistence_id", persistenceId));
        command.Parameters.Add(new NpgsqlParameter<long>("from_sequence_nr", fromSequenceNr));
        command.Parameters.Add(new NpgsqlParameter<long>("to_sequence_nr", toSequenceNr));
        command.Parameters.Add(new NpgsqlParameter<long>("max", max));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new StoredEvent(
                persistenceId,
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetFieldValue<byte[]>(2),
                reader.GetFieldValue<DateTimeOffset>(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                StoredTags.Decode(reader.IsDBNull(5) ? null : reader.GetString(5)));
        }
    }

    /// <inheritdoc />
    public async Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        await using var command = _dataSource.CreateCommand(JournalQueries.SelectHighestSequenceNr);
        command.Parameters.Add(new NpgsqlParameter<string>("persistence_id", persistenceId));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long highest ? highest : 0;
    }

    /// <inheritdoc />
    public async Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        try
        {
            await using var command = _dataSource.CreateCommand(JournalQueries.TombstoneMessagesTo);
            command.Parameters.Add(new NpgsqlParameter<string>("persistence_id", persistenceId));
            command.Parameters.Add(new NpgsqlParameter<long>("to_sequence_nr", toSequenceNr));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException e)
        {
            throw new JournalWriteException(
                $"Deleting the events of '{persistenceId}' up to {toSequenceNr} in the PostgreSQL journal at {PostgreSqlDataSources.Describe(_dataSource)} failed: {e.Message}", e);
        }
    }

    /// <summary>Closes the journal's connections.</summary>
    public async ValueTask DisposeAsync()
    {
        await _groupReplaySource.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    internal static IReadOnlyDictionary<Type, PostgreSqlProjection> ProjectionsByUpdateType(IEnumerable<PostgreSqlProjection> projections) =>
        ProjectionIndex.ByUpdateType(projections, p => p.UpdateType, "PostgreSQL");

    private async Task<IReadOnlyList<AtomicWriteResult>> WriteBatchAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken)
    {
        var persistenceIds = AppendPlan.PersistenceIdsOf(writes);
        var timestamp = JournalTimestamp.Now(_timeProvider);

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        // READ COMMITTED on purpose: after a collision, the re-read must see the rival's commit.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
        var highest = await HighestAsync(connection, transaction, persistenceIds, fromMemory: true, NewEntitiesOf(writes), cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; ; attempt++)
        {
            var plan = AppendPlan.Create(writes, highest);
            if (plan.AcceptedWrites.Count == 0)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return plan.Results;
            }

            var inserted = await InsertAsync(connection, transaction, plan, timestamp, cancellationToken).ConfigureAwait(false);
            if (inserted == plan.AcceptedEventCount)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                Remember(plan.AcceptedWrites);
                return plan.Results;
            }

            if (attempt == MaxCollisionRetries)
            {
                throw new InvalidOperationException(
                    $"The batch kept colliding with other writers of the same entities ({MaxCollisionRetries + 1} attempts).");
            }

            await using (var rollback = new NpgsqlCommand(JournalQueries.RollbackToSavepointBeforeInsert, connection, transaction))
            {
                await rollback.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            highest = await HighestAsync(connection, transaction, persistenceIds, fromMemory: false, highestRead: null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The highest number of each entity: when allowed, remembered ones, else the ones the caller knows (read in this
    /// transaction, or 0 for an entity whose first write starts at 1), none of which can be too high; the rest read
    /// inside the transaction.
    /// </summary>
    private async Task<Dictionary<string, long>> HighestAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        IReadOnlyCollection<string> persistenceIds,
        bool fromMemory,
        IReadOnlyDictionary<string, long>? highestRead,
        CancellationToken cancellationToken)
    {
        var highest = new Dictionary<string, long>(persistenceIds.Count, StringComparer.Ordinal);
        var unknown = new List<string>();
        lock (_rememberedLock)
        {
            foreach (var id in persistenceIds)
            {
                if (fromMemory && _rememberedHighest.TryGetValue(id, out var remembered))
                {
                    highest[id] = remembered;
                }
                else if (fromMemory && highestRead is not null && highestRead.TryGetValue(id, out var known))
                {
                    highest[id] = known;
                }
                else
                {
                    unknown.Add(id);
                }
            }
        }

        if (unknown.Count == 0)
        {
            return highest;
        }

        var read = await ReadHighestAsync(connection, transaction, [.. unknown], cancellationToken).ConfigureAwait(false);
        lock (_rememberedLock)
        {
            foreach (var (id, stored) in read)
            {
                highest[id] = stored;
                RememberLocked(id, stored);
            }
        }

        return highest;
    }

    /// <summary>
    /// 0 for each entity whose first write in the batch starts at 1 (a new job's submit), so a batch of new entities
    /// needs no lookup. The guess is never too high; if the entity has events after all, its number 1 is taken (deleted
    /// events keep their rows) and the batch takes the collision path, which reads the real number.
    /// </summary>
    private static Dictionary<string, long>? NewEntitiesOf(IReadOnlyList<AtomicWrite> writes)
    {
        Dictionary<string, long>? fresh = null;
        foreach (var write in writes)
        {
            if (write.FirstSequenceNr == 1)
            {
                (fresh ??= new Dictionary<string, long>(writes.Count, StringComparer.Ordinal))[write.PersistenceId] = 0;
            }
        }

        return fresh;
    }

    private void Remember(IReadOnlyList<AtomicWrite> committed)
    {
        lock (_rememberedLock)
        {
            foreach (var write in committed)
            {
                RememberLocked(write.PersistenceId, write.LastSequenceNr);
            }
        }
    }

    private void RememberLocked(string persistenceId, long highest)
    {
        if (_rememberedHighest.Count >= MaxRememberedEntities)
        {
            _rememberedHighest.Clear();
        }

        // Concurrent batches of this journal may report out of order; a number never goes down.
        if (!_rememberedHighest.TryGetValue(persistenceId, out var known) || known < highest)
        {
            _rememberedHighest[persistenceId] = highest;
        }
    }

    private static async Task<Dictionary<string, long>> ReadHighestAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string[] persistenceIds, CancellationToken cancellationToken)
    {
        var highest = new Dictionary<string, long>(persistenceIds.Length, StringComparer.Ordinal);
        await using var command = new NpgsqlCommand(JournalQueries.SelectHighestSequenceNrs, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string[]>("persistence_ids", persistenceIds));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            highest[reader.GetString(0)] = reader.IsDBNull(1) ? 0 : reader.GetInt64(1);
        }

        return highest;
    }

    private async Task<int> InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, AppendPlan plan, DateTimeOffset timestamp, CancellationToken cancellationToken)
    {
        var count = plan.AcceptedEventCount;
        var persistenceIds = new string[count];
        var sequenceNrs = new long[count];
        var manifests = new string[count];
        var payloads = new byte[count][];
        var writerIds = new string?[count];
        var tags = new string?[count];

        // Sorted by id (stable, so one entity's writes keep their order): a fixed lock order between batches.
        var i = 0;
        foreach (var write in plan.AcceptedWrites.OrderBy(write => write.PersistenceId, StringComparer.Ordinal))
        {
            foreach (var e in write.Events)
            {
                persistenceIds[i] = write.PersistenceId;
                sequenceNrs[i] = e.SequenceNr;
                manifests[i] = e.Manifest;
                payloads[i] = AsArray(e.Payload);
                writerIds[i] = write.WriterId;
                tags[i] = StoredTags.Encode(e.Tags);
                i++;
            }
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(JournalQueries.SavepointBeforeInsert));
        var insert = new NpgsqlBatchCommand(JournalQueries.InsertEvents)
        {
            Parameters =
            {
                new NpgsqlParameter<string[]>("persistence_ids", persistenceIds),
                new NpgsqlParameter<long[]>("sequence_nrs", sequenceNrs),
                new NpgsqlParameter<string[]>("manifests", manifests),
                new NpgsqlParameter<byte[][]>("payloads", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = payloads },
                new NpgsqlParameter<DateTimeOffset>("written_at", timestamp),
                new NpgsqlParameter<string?[]>("writer_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = writerIds },
                new NpgsqlParameter<string?[]>("tags", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = tags },
            },
        };
        batch.BatchCommands.Add(insert);
        AddProjectionCommands(batch, plan.AcceptedWrites);

        try
        {
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == JournalQueries.SequenceNrConstraint)
        {
            // Another writer took one of the numbers: nothing of the insert or the projections stands. The caller rolls
            // back to the savepoint and decides again on the numbers as they are now.
            return -1;
        }

        return insert.RecordsAffected;
    }

    private void AddProjectionCommands(NpgsqlBatch batch, IReadOnlyList<AtomicWrite> accepted)
    {
        Dictionary<Type, List<object>>? updatesByType = null;
        foreach (var write in accepted)
        {
            foreach (var update in write.ProjectionUpdates)
            {
                if (!_projections.ContainsKey(update.GetType()))
                {
                    throw new InvalidOperationException(
                        $"The atomic write for '{write.PersistenceId}' carries a {update.GetType().Name} projection update, but no PostgreSQL projection is registered for that type.");
                }

                updatesByType ??= [];
                if (!updatesByType.TryGetValue(update.GetType(), out var updates))
                {
                    updates = [];
                    updatesByType.Add(update.GetType(), updates);
                }

                updates.Add(update);
            }
        }

        if (updatesByType is null)
        {
            return;
        }

        foreach (var (type, updates) in updatesByType)
        {
            _projections[type].AddCommands(batch, updates);
        }
    }

    private static byte[] AsArray(ReadOnlyMemory<byte> payload) =>
        MemoryMarshal.TryGetArray(payload, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : payload.ToArray();
}
