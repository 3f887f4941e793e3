using System.Runtime.CompilerServices;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Sqlite.Projections;
using ActorJobs.Persistence.Sqlite.Queries;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ActorJobs.Persistence.Sqlite;

/// <summary>
/// The journal on one SQLite file: the embedded default. WAL mode, one writer connection that writes each batch
/// as one <c>BEGIN IMMEDIATE</c> transaction (put a <see cref="BatchingJournalWriter"/> in front of it for group
/// commit), and reads on pooled connections of their own so replay never waits for the writer. Several processes
/// on one machine may share the file: they take turns at the write lock, and the sequence-number fence holds
/// across them. With <see cref="SqliteSynchronousMode.Full"/> the log is synced after each commit, off the writer's
/// path (<see cref="SqliteWalSync"/>), and every write completes once it is on disk.
/// </summary>
public sealed class SqliteJournal : IJournal, IDeferredSyncJournal, IDisposable
{
    private readonly SqliteDatabase _database;
    private readonly IReadOnlyDictionary<Type, SqliteProjection> _projections;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _writerGate = new(1, 1);
    private readonly SqliteWalSync? _walSync;
    private SqliteJournalWriter? _writer;
    private bool _disposed;

    private SqliteJournal(
        SqliteDatabase database, IReadOnlyDictionary<Type, SqliteProjection> projections, TimeProvider timeProvider, SqliteJournalWriter writer, SqliteWalSync? walSync)
    {
        _database = database;
        _projections = projections;
        _timeProvider = timeProvider;
        _writer = writer;
        _walSync = walSync;
    }

    /// <summary>The sync of the log after commits, when commits must be durable (tests hold or fail it).</summary>
    internal SqliteWalSync? WalSync => _walSync;

    /// <summary>
    /// Opens the journal: creates the file if needed, switches it to WAL mode and applies pending schema migrations
    /// (the journal's and the projections').
    /// </summary>
    /// <param name="options">File, durability and projections.</param>
    /// <exception cref="ArgumentException">The options are not usable; the message names the setting.</exception>
    /// <exception cref="InvalidOperationException">The file cannot be opened or migrated.</exception>
    public static SqliteJournal Open(SqlitePersistenceOptions options)
    {
        var database = new SqliteDatabase(options);
        var projections = ProjectionsByUpdateType(options.Projections);
        SqliteJournalWriter? writer = null;
        SqliteWalSync? walSync = null;
        try
        {
            writer = new SqliteJournalWriter(database, projections);

            // The file as SQLite resolved it (a relative path, a file: URI), whose log is that name with "-wal".
            walSync = database.Durable ? new SqliteWalSync(raw.sqlite3_db_filename(writer.Connection.Handle, "main").utf8_to_string()) : null;
            SqliteSchemaMigrator.Migrate(writer.Connection, options.Projections);
            SqliteDatabase.SizeWriterCache(writer.Connection);
            walSync?.SyncNow(); // the migrations' commits, before anything is written on them
            return new SqliteJournal(database, projections, options.TimeProvider, writer, walSync);
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            writer?.Dispose();
            walSync?.Dispose();
            throw new InvalidOperationException($"Could not open the SQLite journal '{database.DataSource}': {e.Message}", e);
        }
        catch
        {
            writer?.Dispose();
            walSync?.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// On a store error the writer connection is closed and the next batch opens a fresh one, so a transaction
    /// left half-done by the error can never leak into a later batch.
    /// </remarks>
    public async Task<IReadOnlyList<AtomicWriteResult>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default)
    {
        var (results, durable) = await WriteCommittedAsync(writes, cancellationToken).ConfigureAwait(false);
        await durable.ConfigureAwait(false);
        return results;
    }

    /// <inheritdoc />
    /// <remarks>
    /// With <see cref="SqliteSynchronousMode.Full"/> the commit writes the log and the disk syncs it afterwards
    /// (<see cref="SqliteWalSync"/>), so the writer can commit the next batch meanwhile; with
    /// <see cref="SqliteSynchronousMode.Normal"/> nothing waits for the disk and the task is complete.
    /// </remarks>
    public async Task<CommittedWrites> WriteCommittedAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writes);
        if (writes.Count == 0)
        {
            return new CommittedWrites([], Task.CompletedTask);
        }

        await _writerGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            cancellationToken.ThrowIfCancellationRequested();
            SqliteJournalWriter? writer = null;
            try
            {
                writer = _writer ??= NewWriter();
                var results = writer.Write(writes, JournalTimestamp.Now(_timeProvider));
                return new CommittedWrites(results, SyncAfterCommit($"Appending {writes.Count} atomic write(s) to"));
            }
            catch (Exception e)
            {
                _writer = null;
                writer?.Dispose();
                throw new JournalWriteException(
                    $"Appending {writes.Count} atomic write(s) to the SQLite journal '{_database.DataSource}' failed; none of their events is acknowledged: {e.Message}", e);
            }
        }
        finally
        {
            _writerGate.Release();
        }
    }

    /// <summary>
    /// Runs a write that is not a journal event (a read model's own change: a lease renewal, a log line, a purge) on
    /// the journal's single writer connection, in one <c>BEGIN IMMEDIATE</c> transaction, taking its turn with the
    /// batches so the two never contend for SQLite's write lock.
    /// </summary>
    /// <remarks>
    /// The work must not insert or change journal events: the writer's fence would not know of them. It may delete
    /// an entity nothing writes to again, through <see cref="SqliteProjectionContext.DeleteEntity"/>. On an error
    /// the transaction is rolled back and the writer connection replaced, as after a failed batch.
    /// </remarks>
    /// <typeparam name="T">What the work returns.</typeparam>
    /// <param name="work">The statements, run through the context's commands; it runs on the caller's thread, synchronously.</param>
    /// <param name="cancellationToken">Cancels waiting for the writer; the work itself is not interrupted.</param>
    /// <exception cref="JournalWriteException">The work or its commit failed; nothing of it is acknowledged.</exception>
    public async Task<T> ExecuteWriteAsync<T>(Func<SqliteProjectionContext, T> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        Task durable;
        T result;
        await _writerGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            cancellationToken.ThrowIfCancellationRequested();
            SqliteJournalWriter? writer = null;
            try
            {
                writer = _writer ??= NewWriter();
                result = writer.Execute(work);
                durable = SyncAfterCommit("A write on");
            }
            catch (Exception e)
            {
                _writer = null;
                writer?.Dispose();
                throw new JournalWriteException($"A write on the SQLite journal '{_database.DataSource}' failed and was rolled back: {e.Message}", e);
            }
        }
        finally
        {
            _writerGate.Release();
        }

        await durable.ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// Opens a pooled connection to the journal's file for a read model's queries (dispose it when done). It never
    /// waits for the writer; write through <see cref="ExecuteWriteAsync{T}"/> instead.
    /// </summary>
    public SqliteConnection OpenReadConnection()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _database.OpenReader();
    }

    /// <summary>
    /// One of the journal's own readers for the job index's hot reads (a large cache, queries kept prepared, the file
    /// not mapped: <see cref="SqliteDatabase.IndexReaders"/>); give it back with <see cref="ReturnReader"/>, saying
    /// whether its last use threw.
    /// </summary>
    internal SqliteReader RentReader()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _database.IndexReaders.Rent();
    }

    /// <summary>Gives back a reader from <see cref="RentReader"/>; a failed one is closed rather than reused.</summary>
    internal void ReturnReader(SqliteReader reader, bool failed) => _database.IndexReaders.Return(reader, failed);

    /// <summary>Whether a projection for updates of <paramref name="updateType"/> was registered when the journal opened.</summary>
    /// <param name="updateType">The projection-update type, for example the job row update.</param>
    public bool HasProjectionFor(Type updateType) => _projections.ContainsKey(updateType);

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredEvent> ReplayAsync(
        string persistenceId,
        long fromSequenceNr,
        long toSequenceNr,
        long max,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var reader = _database.Readers.Rent();
        sqlite3_stmt? statement = null;
        var failed = false;
        try
        {
            while (true)
            {
                StoredEvent? stored;
                try
                {
                    statement ??= reader.StartEventRange(persistenceId, fromSequenceNr, toSequenceNr, max);
                    stored = reader.TryReadEvent(statement, persistenceId);
                }
                catch
                {
                    failed = true;
                    throw;
                }

                if (stored is null)
                {
                    break;
                }

                cancellationToken.ThrowIfCancellationRequested();
                yield return stored;
            }
        }
        finally
        {
            // Also when the caller stopped part way: the reset ends the read transaction, and the reader is sound.
            if (statement is not null)
            {
                SqliteReader.Reset(statement);
            }

            _database.Readers.Return(reader, failed);
        }
    }

    /// <inheritdoc />
    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var reader = _database.Readers.Rent();
        var failed = true;
        try
        {
            var highest = reader.ReadHighestSequenceNr(persistenceId);
            failed = false;
            return Task.FromResult(highest);
        }
        finally
        {
            _database.Readers.Return(reader, failed);
        }
    }

    /// <inheritdoc />
    public async Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        Task durable;
        await _writerGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            SqliteJournalWriter? writer = null;
            try
            {
                writer = _writer ??= NewWriter();
                writer.DeleteMessagesTo(persistenceId, toSequenceNr);
                durable = SyncAfterCommit($"Deleting the events of '{persistenceId}' up to {toSequenceNr} in");
            }
            catch (SqliteException e)
            {
                _writer = null;
                writer?.Dispose();
                throw new JournalWriteException(
                    $"Deleting the events of '{persistenceId}' up to {toSequenceNr} in the SQLite journal '{_database.DataSource}' failed: {e.Message}", e);
            }
        }
        finally
        {
            _writerGate.Release();
        }

        await durable.ConfigureAwait(false);
    }

    /// <summary>Waits for a batch in progress, closes the writer connection and the file's pooled readers.</summary>
    public void Dispose()
    {
        _writerGate.Wait();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _writer?.Dispose();
            _writer = null;
            _walSync?.Dispose();
            _database.ClearPool();
        }
        finally
        {
            _writerGate.Release();
        }
    }

    // Under the writer gate: a new writer connection may come with a new log file, so the sync opens it again.
    private SqliteJournalWriter NewWriter()
    {
        _walSync?.Reopen();
        return new SqliteJournalWriter(_database, _projections);
    }

    // Called under the writer gate right after a commit: the task completes once the commit is on disk.
    private Task SyncAfterCommit(string what) =>
        _walSync is null ? Task.CompletedTask : WaitForSyncAsync(_walSync.AfterCommit(), what);

    private async Task WaitForSyncAsync(Task sync, string what)
    {
        try
        {
            await sync.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            throw new JournalWriteException(
                $"{what} the SQLite journal '{_database.DataSource}' was committed, but syncing its log to disk failed, so it is not acknowledged: {e.Message}", e);
        }
    }

    internal static IReadOnlyDictionary<Type, SqliteProjection> ProjectionsByUpdateType(IEnumerable<SqliteProjection> projections) =>
        ProjectionIndex.ByUpdateType(projections, p => p.UpdateType, "SQLite");
}
