using SQLitePCL;

namespace ActorJobs.Persistence.Sqlite;

/// <summary>
/// SQLite's process-wide settings, which it takes only before it opens its first connection in the process; applied
/// when the first SQLite journal, snapshot store or database of ActorJobs is made. If something else in the process
/// opened a connection first, SQLite keeps its defaults and everything works as before, a little slower.
/// </summary>
internal static class SqliteProcessSettings
{
    // SQLITE_CONFIG_MEMSTATUS from sqlite3.h.
    private const int ConfigMemoryStatistics = 9;

    private static int s_applied;

    /// <summary>Applies the settings once per process.</summary>
    public static void Apply()
    {
        if (Interlocked.Exchange(ref s_applied, 1) != 0)
        {
            return;
        }

        Batteries_V2.Init();

        // With memory statistics on (SQLite's default) every allocation and free SQLite makes takes one process-wide
        // mutex, which the journal's writer and all its readers contend for: about 5% of a bulk submit's CPU went to
        // mutexes. Nothing here reads the statistics or sets a soft heap limit, which needs them. SQLITE_MISUSE
        // (SQLite already initialized by an earlier connection) leaves them on.
        _ = raw.sqlite3_config(ConfigMemoryStatistics, 0);
    }
}
