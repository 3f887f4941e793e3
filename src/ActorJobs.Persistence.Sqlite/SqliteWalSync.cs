using Microsoft.Win32.SafeHandles;

namespace ActorJobs.Persistence.Sqlite;

/// <summary>
/// Syncs the journal's write-ahead log to disk after its commits, off the writer's path. With
/// <see cref="SqliteSynchronousMode.Full"/> the writer connection commits with SQLite's <c>synchronous = NORMAL</c>
/// (frames written, no fsync), and a commit is acknowledged once a sync of the WAL file that started after it has
/// finished. One sync covers every commit before it, so commits that come while a sync runs share the next one, and the
/// writer writes the next batch meanwhile instead of waiting for the disk.
/// </summary>
/// <remarks>
/// <para>Why this is as durable as <c>synchronous = FULL</c> for what is acknowledged: SQLite appends a commit's frames to
/// the WAL, each with a checksum over the log so far and the log's salt, and recovery after a crash keeps every frame
/// up to the last valid commit frame and nothing after it. Once the file is synced, everything written before the sync
/// began (the commit's frames and the log header) is on disk; a later commit torn by power loss is dropped by the
/// checksums and takes nothing earlier with it. SQLite itself syncs the WAL before each checkpoint copies it into the
/// database and the database after, in both modes, and starts the log over only after a complete checkpoint.</para>
/// <para>The difference: SQLite makes a commit visible to readers when it is written, so a reader may see a commit
/// before it is on disk. The engine acts on what it reads only through a write of its own (a claim), and that write's
/// acknowledgement waits for a sync that covers everything before it in the log.</para>
/// <para>The file is the WAL of the writer connection that committed: it exists, and SQLite does not delete it, while
/// that connection is open. <see cref="Reopen"/> is called when the journal replaces its writer.</para>
/// </remarks>
internal sealed class SqliteWalSync : IDisposable
{
    private readonly string _walPath;
    private readonly object _requests = new();
    private readonly object _file = new();
    private List<TaskCompletionSource>? _waiting;
    private bool _running;
    private SafeFileHandle? _handle;
    private bool _disposed;

    /// <param name="databasePath">The database file's full path as SQLite resolved it (<c>sqlite3_db_filename</c>).</param>
    public SqliteWalSync(string databasePath) => _walPath = Path.GetFullPath(databasePath) + "-wal";

    /// <summary>The sync itself; tests replace it to hold or fail syncs.</summary>
    internal Action<SafeFileHandle> Flush { get; set; } = RandomAccess.FlushToDisk;

    /// <summary>How many syncs have run (tests).</summary>
    internal int Syncs { get; private set; }

    /// <summary>
    /// Call after a commit: completes once a sync of the WAL that started after this call has finished, or faults with
    /// the sync's error.
    /// </summary>
    public Task AfterCommit()
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_requests)
        {
            (_waiting ??= []).Add(waiter);
            if (_running)
            {
                return waiter.Task;
            }

            _running = true;
        }

        // The sync blocks its thread for the disk's time; it runs on the pool, one at a time.
        ThreadPool.UnsafeQueueUserWorkItem(static sync => sync.Run(), this, preferLocal: false);
        return waiter.Task;
    }

    /// <summary>Syncs now, on the caller's thread (after the migrations of <see cref="SqliteJournal.Open"/>).</summary>
    public void SyncNow() => Sync();

    /// <summary>Closes the file; the next sync opens the WAL again (the journal replaced its writer connection).</summary>
    public void Reopen()
    {
        lock (_file)
        {
            _handle?.Dispose();
            _handle = null;
        }
    }

    public void Dispose()
    {
        lock (_file)
        {
            _disposed = true;
            _handle?.Dispose();
            _handle = null;
        }
    }

    private void Run()
    {
        while (true)
        {
            List<TaskCompletionSource> batch;
            lock (_requests)
            {
                if (_waiting is not { Count: > 0 })
                {
                    _running = false;
                    return;
                }

                batch = _waiting;
                _waiting = null;
            }

            Exception? failure = null;
            try
            {
                Sync();
            }
            catch (Exception e)
            {
                failure = e;
            }

            foreach (var waiter in batch)
            {
                if (failure is null)
                {
                    waiter.TrySetResult();
                }
                else
                {
                    waiter.TrySetException(failure);
                }
            }
        }
    }

    private void Sync()
    {
        lock (_file)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _handle ??= File.OpenHandle(_walPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            Flush(_handle);
            Syncs++;
        }
    }
}
