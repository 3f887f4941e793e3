using System.Data;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.PostgreSql.Projections;
using ActorJobs.Persistence.PostgreSql.Queries;
using Npgsql;

namespace ActorJobs.Persistence.PostgreSql;

/// <summary>What a read model built on the journal needs: its connections, and transactions that also append events.</summary>
public sealed partial class PostgreSqlJournal
{
    /// <summary>Opens a pooled connection to the journal's database for a read model's queries (dispose it when done).</summary>
    /// <param name="cancellationToken">Cancels opening.</param>
    public ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken = default) =>
        _dataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>Opens a pooled connection synchronously, for the rare read that must be complete when its method returns.</summary>
    public NpgsqlConnection OpenConnection() => _dataSource.OpenConnection();

    /// <summary>Whether a projection for updates of <paramref name="updateType"/> was registered with the journal's options.</summary>
    /// <param name="updateType">The projection-update type, for example the job row update.</param>
    public bool HasProjectionFor(Type updateType) => _projections.ContainsKey(updateType);

    /// <summary>
    /// Runs <paramref name="work"/> in one READ COMMITTED transaction on the journal's database. Besides its own
    /// statements, the work may append events through <see cref="PostgreSqlWriteContext.AppendAsync(IReadOnlyList{AtomicWrite}, CancellationToken)"/> (fenced and
    /// projected exactly as <see cref="WriteAsync"/> does) and delete entities nothing writes to again, so a read model
    /// can lock its rows, decide, and write the events that follow in one transaction (a claim with
    /// <c>FOR UPDATE SKIP LOCKED</c>, say).
    /// </summary>
    /// <typeparam name="T">What the work returns.</typeparam>
    /// <param name="work">The work; it commits when the work returns and rolls back when it throws.</param>
    /// <param name="cancellationToken">Cancels the work (nothing of it is kept).</param>
    /// <exception cref="JournalWriteException">The work or its commit failed; nothing of it is kept. The PostgreSQL error is the inner exception.</exception>
    public async Task<T> ExecuteWriteAsync<T>(Func<PostgreSqlWriteContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        PostgreSqlWriteContext? context = null;
        T result;
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
            context = new PostgreSqlWriteContext(this, connection, transaction);
            result = await work(context, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new JournalWriteException(
                $"A write on the PostgreSQL journal at {PostgreSqlDataSources.Describe(_dataSource)} failed and was rolled back: {e.Message}", e);
        }

        lock (_rememberedLock)
        {
            foreach (var write in context.Appended)
            {
                RememberLocked(write.PersistenceId, write.LastSequenceNr);
            }

            // A deleted entity starts over: a late write to it must read 0 and fail as a gap, not continue from memory.
            foreach (var id in context.DeletedEntities)
            {
                _rememberedHighest.Remove(id);
            }
        }

        return result;
    }

    /// <summary>The fenced append of <see cref="WriteAsync"/>, inside a transaction the caller owns.</summary>
    internal async Task<IReadOnlyList<AtomicWriteResult>> AppendInTransactionAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        IReadOnlyList<AtomicWrite> writes,
        IReadOnlyDictionary<string, long>? highestRead,
        List<AtomicWrite> appended,
        CancellationToken cancellationToken)
    {
        var persistenceIds = AppendPlan.PersistenceIdsOf(writes);
        var timestamp = JournalTimestamp.Now(_timeProvider);
        var highest = await HighestAsync(connection, transaction, persistenceIds, fromMemory: true, highestRead, cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; ; attempt++)
        {
            var plan = AppendPlan.Create(writes, highest);
            if (plan.AcceptedWrites.Count == 0)
            {
                return plan.Results;
            }

            var inserted = await InsertAsync(connection, transaction, plan, timestamp, cancellationToken).ConfigureAwait(false);
            if (inserted == plan.AcceptedEventCount)
            {
                appended.AddRange(plan.AcceptedWrites);
                return plan.Results;
            }

            if (attempt == MaxCollisionRetries)
            {
                throw new InvalidOperationException(
                    $"The append kept colliding with other writers of the same entities ({MaxCollisionRetries + 1} attempts).");
            }

            await using (var rollback = new NpgsqlCommand(JournalQueries.RollbackToSavepointBeforeInsert, connection, transaction))
            {
                await rollback.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            highest = await HighestAsync(connection, transaction, persistenceIds, fromMemory: false, highestRead: null, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>
/// A transaction on the journal's database, given to the work of <see cref="PostgreSqlJournal.ExecuteWriteAsync{T}"/>:
/// commands bound to it, fenced appends, and deletion of whole entities.
/// </summary>
public sealed class PostgreSqlWriteContext
{
    private readonly PostgreSqlJournal _journal;

    internal PostgreSqlWriteContext(PostgreSqlJournal journal, NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        _journal = journal;
        Connection = connection;
        Transaction = transaction;
    }

    /// <summary>The connection the transaction runs on.</summary>
    public NpgsqlConnection Connection { get; }

    /// <summary>The transaction.</summary>
    public NpgsqlTransaction Transaction { get; }

    internal List<AtomicWrite> Appended { get; } = [];

    internal List<string> DeletedEntities { get; } = [];

    /// <summary>A command for <paramref name="sql"/> (a named query of the caller) in the transaction; add parameters, then run it.</summary>
    /// <param name="sql">The statement; values go in as parameters, never into the text.</param>
    public NpgsqlCommand Command(string sql)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
#pragma warning disable CA2100 // The caller passes its own named query; values are bound as parameters.
        return new NpgsqlCommand(sql, Connection, Transaction);
#pragma warning restore CA2100
    }

    /// <summary>A batch in the transaction, for several statements in one round trip.</summary>
    public NpgsqlBatch Batch() => new(Connection, Transaction);

    /// <summary>
    /// Appends atomic writes in this transaction, each fenced on its sequence numbers and projected like a batch of
    /// <see cref="PostgreSqlJournal.WriteAsync"/>; returns one result per write. They are stored when the work commits.
    /// </summary>
    /// <param name="writes">The writes, in order.</param>
    /// <param name="cancellationToken">Cancels the append.</param>
    public Task<IReadOnlyList<AtomicWriteResult>> AppendAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writes);
        return writes.Count == 0
            ? Task.FromResult<IReadOnlyList<AtomicWriteResult>>([])
            : _journal.AppendInTransactionAsync(Connection, Transaction, writes, highestRead: null, Appended, cancellationToken);
    }

    /// <summary>
    /// As <see cref="AppendAsync(IReadOnlyList{AtomicWrite}, CancellationToken)"/>, for a caller that has just read its
    /// entities' highest numbers in this transaction (a read model's rows, written with their events and locked since):
    /// the journal plans on them instead of looking them up, saving a round trip. The unique fence still decides: a
    /// number that is too low collides and the append reads the numbers again. A number must never be higher than the
    /// entity's stored highest, or the write after it would leave a gap.
    /// </summary>
    /// <param name="writes">The writes, in order.</param>
    /// <param name="highestRead">The highest stored number of some or all of the writes' entities.</param>
    /// <param name="cancellationToken">Cancels the append.</param>
    public Task<IReadOnlyList<AtomicWriteResult>> AppendAsync(
        IReadOnlyList<AtomicWrite> writes, IReadOnlyDictionary<string, long> highestRead, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writes);
        ArgumentNullException.ThrowIfNull(highestRead);
        return writes.Count == 0
            ? Task.FromResult<IReadOnlyList<AtomicWriteResult>>([])
            : _journal.AppendInTransactionAsync(Connection, Transaction, writes, highestRead, Appended, cancellationToken);
    }

    /// <summary>
    /// Deletes every event and snapshot of entities nothing writes to again (purged jobs), keeping no tombstone; once
    /// the transaction commits this journal forgets their highest numbers, so a late write to one fails as a gap.
    /// </summary>
    /// <param name="persistenceIds">The entities.</param>
    /// <param name="cancellationToken">Cancels the deletion.</param>
    public async Task DeleteEntitiesAsync(IReadOnlyList<string> persistenceIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceIds);
        if (persistenceIds.Count == 0)
        {
            return;
        }

        await using var batch = Batch();
        var ids = persistenceIds.ToArray();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(WriteContextQueries.DeleteEntityEvents) { Parameters = { new NpgsqlParameter<string[]>("persistence_ids", ids) } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(WriteContextQueries.DeleteEntitySnapshots) { Parameters = { new NpgsqlParameter<string[]>("persistence_ids", ids) } });
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        DeletedEntities.AddRange(ids);
    }
}
