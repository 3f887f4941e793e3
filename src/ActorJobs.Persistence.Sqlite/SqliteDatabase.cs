using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ActorJobs.Persistence.Sqlite;

/// <summary>
/// One SQLite file and how to connect to it: the writer connection with its durability settings, and reader
/// connections (pooled) that only query.
/// </summary>
internal sealed class SqliteDatabase
{
    private readonly string _connectionString;
    private readonly string _unpooledConnectionString;
    private readonly SqlitePersistenceOptions _options;

    public SqliteDatabase(SqlitePersistenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        SqliteProcessSettings.Apply();
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(options.ConnectionString);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"The SQLite connection string is not valid: {e.Message}", nameof(options), e);
        }

        if (string.IsNullOrWhiteSpace(builder.DataSource) || builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
        {
            throw new ArgumentException(
                "The SQLite journal needs a database file (for example \"Data Source=jobs.db\"): an in-memory database is not shared between its writer and readers.",
                nameof(options));
        }

        if (options.BusyTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BusyTimeout, "BusyTimeout must be positive.");
        }

        if (options.MaxDatabaseSizeBytes is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxDatabaseSizeBytes, "MaxDatabaseSizeBytes must be positive when set.");
        }

        // Microsoft.Data.Sqlite retries a busy database for the command timeout; keep it in line with ours.
        builder.DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds);
        _connectionString = builder.ToString();
        _unpooledConnectionString = new SqliteConnectionStringBuilder(_connectionString) { Pooling = false }.ToString();
        DataSource = builder.DataSource;
        _options = options;
        Readers = new SqliteReaderPool(this, mapped: true);
        IndexReaders = new SqliteReaderPool(this, mapped: false);
    }

    /// <summary>
    /// The stores' own readers, kept open with their prepared queries (replay, highest number, snapshot lookup), with
    /// the file mapped into memory: a recovery reads many entities' events with nothing committed in between.
    /// </summary>
    public SqliteReaderPool Readers { get; }

    /// <summary>
    /// Readers for the job index's hot reads (claims, next due times, queries), which run between the writer's commits:
    /// kept open with their prepared queries like <see cref="Readers"/>, but without the memory map. SQLite unmaps the
    /// whole file whenever a read transaction starts after a commit, so a mapped reader paid an munmap (page tables
    /// torn down, every core's TLB flushed) and a page fault per page it read again, at nearly every claim.
    /// </summary>
    public SqliteReaderPool IndexReaders { get; }

    /// <summary>The file, for messages.</summary>
    public string DataSource { get; }

    /// <summary>Whether commits must be on disk before they are acknowledged (<see cref="SqliteSynchronousMode.Full"/>).</summary>
    public bool Durable => _options.Synchronous == SqliteSynchronousMode.Full;

    /// <summary>
    /// Opens a connection that writes: it waits for other writers (other processes) up to the busy timeout and
    /// syncs commits as configured, or, with <paramref name="walSyncedByCaller"/>, leaves the sync of
    /// <see cref="SqliteSynchronousMode.Full"/> to its caller (<see cref="SqliteWalSync"/>): its commits write the log
    /// without waiting for the disk.
    /// </summary>
    public SqliteConnection OpenWriter(bool walSyncedByCaller = false)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            Execute(connection, ConnectionPragmas.BusyTimeout((long)_options.BusyTimeout.TotalMilliseconds));
            Execute(connection, _options.Synchronous == SqliteSynchronousMode.Full && !walSyncedByCaller ? ConnectionPragmas.SynchronousFull : ConnectionPragmas.SynchronousNormal);
            SizeWriterCache(connection);
            Execute(connection, ConnectionPragmas.WriterAutoCheckpoint);
            if (_options.MaxDatabaseSizeBytes is { } maxBytes)
            {
                using var pageSize = connection.CreateCommand();
                pageSize.CommandText = ConnectionPragmas.SelectPageSize;
                var pages = Math.Max(1, maxBytes / Convert.ToInt64(pageSize.ExecuteScalar(), CultureInfo.InvariantCulture));
                Execute(connection, ConnectionPragmas.MaxPageCount(pages));
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sets the writer's page cache to its size in bytes for the file's page size as it is now. SQLite keeps a cache's
    /// size in pages once worked out, and a page size changed later keeps that count: on a new file the cache was
    /// sized while the file still had SQLite's default 4 KB pages (7,928 pages for 32 MB), and then held 7,928 pages of
    /// 16 KB, 124 MB. So the journal sizes it again once the migrations have set the page size.
    /// </summary>
    public static void SizeWriterCache(SqliteConnection connection) => Execute(connection, ConnectionPragmas.WriterCacheSize);

    /// <summary>Opens a pooled connection for queries.</summary>
    public SqliteConnection OpenReader()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a connection for <see cref="Readers"/> or <see cref="IndexReaders"/>, outside Microsoft.Data.Sqlite's pool
    /// (the reader pool keeps it), with its own settings: a larger page cache and, when <paramref name="mapped"/>, the
    /// file mapped into memory.
    /// </summary>
    public SqliteConnection OpenUnpooledReader(bool mapped)
    {
        var connection = new SqliteConnection(_unpooledConnectionString);
        try
        {
            connection.Open();
            Execute(connection, ConnectionPragmas.BusyTimeout((long)_options.BusyTimeout.TotalMilliseconds));
            if (mapped)
            {
                Execute(connection, ConnectionPragmas.ReaderMmapSize);
            }

            Execute(connection, ConnectionPragmas.ReaderCacheSize);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Closes this file's idle pooled connections and the stores' readers, so the file can be moved or deleted.</summary>
    public void ClearPool()
    {
        Readers.Close();
        IndexReaders.Close();
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
#pragma warning disable CA2100 // PRAGMA takes no bound parameters; the values are integers from typed options.
        command.CommandText = sql;
#pragma warning restore CA2100
        command.ExecuteNonQuery();
    }

    /// <summary>Per-connection settings. PRAGMA takes no bound parameters, so integer values (never text) are formatted in.</summary>
    private static class ConnectionPragmas
    {
        public static string BusyTimeout(long milliseconds) => string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {milliseconds}");
        public const string SynchronousFull = "PRAGMA synchronous = FULL";
        public const string SynchronousNormal = "PRAGMA synchronous = NORMAL";
        public const string SelectPageSize = "PRAGMA page_size";

        // Batches insert into every entity's corner of the (persistence_id, sequence_nr) index at once; with SQLite's
        // default 2 MB cache those pages are read back from the OS on every batch. 32 MB keeps them at hand. SQLite scans
        // the whole cache at a commit whose page splits renumbered pages (it sets them aside under the number of the page
        // at 1 GB), so a larger cache costs at many commits. Until 2026-12-02 a new file's writer held 124 MB (see
        // SizeWriterCache), so the 2026-12-01 comparisons of "32" and "64 MB" compared 124 and 248 MB on new files.
        // This size, applied as meant, was no slower in the persistence and engine benchmarks (README, "Eleventh session").
        public const string WriterCacheSize = "PRAGMA cache_size = -32768";

        // A batch of interleaved entities dirties about one index page per entity, so the default checkpoint (every
        // 1,000 pages) would run after nearly every commit and copy each page again. Every 5,000 pages (80 MB of WAL
        // at 16 KB) lets pages rewritten by many batches be checkpointed once.
        public const string WriterAutoCheckpoint = "PRAGMA wal_autocheckpoint = 5000";
        // A replay reads one page per event (group commit interleaves entities), and a read copies a whole 16 KB page in
        // from the OS: mapped, the pages already in the OS cache are read in place. 256 MB covers a large journal's hot
        // part; SQLite maps no more than the file's size. The WAL is read as before. SQLite drops the map at the first read
        // after a commit, so only readers whose reads mostly come without commits between them map (Readers, not IndexReaders).
        public const string ReaderMmapSize = "PRAGMA mmap_size = 268435456";

        // 16 MB instead of SQLite's 2 MB: pages of recent batches, shared by every entity that wrote in them, stay here
        // across replays while nothing new is committed.
        public const string ReaderCacheSize = "PRAGMA cache_size = -16384";

        public static string MaxPageCount(long pages) => string.Create(CultureInfo.InvariantCulture, $"PRAGMA max_page_count = {pages}");
    }
}
