using System.Text;
using SQLitePCL;

namespace ActorJobs.Persistence.Sqlite;

/// <summary>
/// Binds strings as UTF-8, the database's encoding, through one reused buffer: bound as UTF-16, every value was
/// converted by SQLite into a buffer it allocated. One per statement owner; not for concurrent use.
/// </summary>
internal sealed class SqliteUtf8Text
{
    private byte[] _buffer = new byte[256];

    /// <summary>Binds <paramref name="value"/> on the statement's raw pointer; returns SQLite's result code.</summary>
    public int Bind(sqlite3_stmt statement, IntPtr handle, int parameter, string value) =>
        value.Length == 0
            ? raw.sqlite3_bind_text16(statement, parameter, value)
            : SqliteStatementCalls.BindText(handle, parameter, Encode(value));

    /// <summary>Binds <paramref name="value"/> through SQLitePCL's statement handle; returns SQLite's result code.</summary>
    public int Bind(sqlite3_stmt statement, int parameter, string value) =>
        value.Length == 0
            ? raw.sqlite3_bind_text16(statement, parameter, value)
            : raw.sqlite3_bind_text(statement, parameter, Encode(value));

    // Never empty: an empty span pins as a null pointer, which SQLite binds as NULL, so "" goes in as UTF-16 above.
    // SQLite copies the bytes at once (SQLITE_TRANSIENT), so the buffer serves the next value.
    private ReadOnlySpan<byte> Encode(string value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_buffer.Length < max)
        {
            _buffer = new byte[max];
        }

        return _buffer.AsSpan(0, Encoding.UTF8.GetBytes(value, _buffer));
    }
}
