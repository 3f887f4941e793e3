using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace ActorJobs.Persistence.Sqlite;

/// <summary>
/// The stores' own read connections to one file, kept open with their settings and prepared queries, so a replay or
/// a snapshot lookup costs its rows and not a connection reset, a query compile and a parameter lookup by name.
/// </summary>
/// <remarks>
/// Recovery reads one entity's events, which group commit has spread one per page across the file: with SQLite's
/// default 2 MB cache and no memory map, every event was a page copied in from the OS. Each reader keeps a larger
/// cache (<see cref="SqliteReader"/>), and the replay pool's readers map the file (<see cref="SqliteDatabase.Readers"/>;
/// the job index's do not, <see cref="SqliteDatabase.IndexReaders"/>). Readers beyond <see cref="MaxIdle"/> are closed when
/// given back, so a burst of concurrent reads leaves no more open than the pool keeps.
/// </remarks>
internal sealed class SqliteReaderPool
{
    // Reads run synchronously on thread-pool threads, so few overlap; a handful covers the cores with room to spare.
    private static readonly int MaxIdle = Math.Max(4, Environment.ProcessorCount * 2);

    private readonly SqliteDatabase _database;
    private readonly bool _mapped;
    private readonly ConcurrentStack<SqliteReader> _idle = new();
    private volatile bool _closed;

    /// <param name="database">The file.</param>
    /// <param name="mapped">Whether its readers map the file into memory (<see cref="SqliteDatabase.OpenUnpooledReader"/>).</param>
    public SqliteReaderPool(SqliteDatabase database, bool mapped)
    {
        _database = database;
        _mapped = mapped;
    }

    /// <summary>An open reader for the caller alone; give it back with <see cref="Return"/>.</summary>
    public SqliteReader Rent()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        return _idle.TryPop(out var reader) ? reader : new SqliteReader(_database.OpenUnpooledReader(_mapped));
    }

    /// <summary>
    /// Takes a reader back. One whose last use failed is closed rather than kept, as is any past the pool's size or
    /// after <see cref="Close"/>.
    /// </summary>
    public void Return(SqliteReader reader, bool failed = false)
    {
        if (failed || _closed || _idle.Count >= MaxIdle)
        {
            reader.Dispose();
            return;
        }

        _idle.Push(reader);

        // Close raced with the push: make sure nothing stays open behind it.
        if (_closed)
        {
            CloseIdle();
        }
    }

    /// <summary>Closes the idle readers and every reader given back from now on, so the file can be moved or deleted.</summary>
    public void Close()
    {
        _closed = true;
        CloseIdle();
    }

    private void CloseIdle()
    {
        while (_idle.TryPop(out var reader))
        {
            reader.Dispose();
        }
    }
}
