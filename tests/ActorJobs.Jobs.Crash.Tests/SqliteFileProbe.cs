using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ActorJobs.Jobs.Crash.Tests;

/// <summary>What the test reads straight from the SQLite file while nodes run: the write lock, and the leases.</summary>
internal static class SqliteFileProbe
{
    /// <summary>
    /// Takes the write lock without waiting and gives it back at once; false when another connection holds it. Runs on the
    /// raw handle: Microsoft.Data.Sqlite would retry a busy statement for its command timeout.
    /// </summary>
    public static bool IsFree(string databasePath)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        connection.Open();
        var db = connection.Handle!;
        Exec(db, "PRAGMA busy_timeout = 0", raw.SQLITE_OK);
        if (Exec(db, "BEGIN IMMEDIATE", raw.SQLITE_OK, raw.SQLITE_BUSY) == raw.SQLITE_BUSY)
        {
            return false;
        }

        Exec(db, "ROLLBACK", raw.SQLITE_OK);
        return true;
    }

    /// <summary>The jobs a node owns under a lease, as the file says (a read in WAL mode needs no lock).</summary>
    public static HashSet<string> JobsLeasedTo(string databasePath, string nodeId)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM jobs WHERE lease_owner = $owner AND status IN ('running', 'suspending', 'resuming', 'canceling')";
        command.Parameters.AddWithValue("$owner", nodeId);
        using var reader = command.ExecuteReader();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static int Exec(sqlite3 db, string sql, params int[] expected)
    {
        var rc = raw.sqlite3_exec(db, sql);
        return expected.Contains(rc) ? rc : throw new InvalidOperationException($"'{sql}' returned {rc}: {raw.sqlite3_errmsg(db).utf8_to_string()}");
    }
}
