using System.Runtime.InteropServices;

namespace ActorJobs.Persistence.Sqlite;

/// <summary>
/// The few calls of SQLite's C API the event insert makes per row, on the statement's raw pointer. SQLitePCL takes
/// the statement as a SafeHandle and adds and releases a reference around every call (an interlocked increment and
/// decrement each, about 2.5% of the writer's CPU for five calls a row); the insert holds one reference for the
/// statement's whole life instead. The library is the one SQLitePCL's e_sqlite3 provider loads, by the same name.
/// </summary>
internal static class SqliteStatementCalls
{
    private const string Library = "e_sqlite3";

    // SQLITE_TRANSIENT: SQLite copies the value before the call returns, so the caller's buffer is free at once.
    private static readonly IntPtr Transient = new(-1);

    public static int BindInt64(IntPtr statement, int parameter, long value) => sqlite3_bind_int64(statement, parameter, value);

    public static int BindNull(IntPtr statement, int parameter) => sqlite3_bind_null(statement, parameter);

    /// <summary>Binds the bytes as a blob; an empty span binds an empty blob, not NULL.</summary>
    public static int BindBlob(IntPtr statement, int parameter, ReadOnlySpan<byte> value) =>
        value.IsEmpty
            ? sqlite3_bind_zeroblob(statement, parameter, 0)
            : sqlite3_bind_blob(statement, parameter, ref MemoryMarshal.GetReference(value), value.Length, Transient);

    /// <summary>Binds UTF-8 text; the span must not be empty (its null pointer would bind NULL).</summary>
    public static int BindText(IntPtr statement, int parameter, ReadOnlySpan<byte> utf8) =>
        sqlite3_bind_text(statement, parameter, ref MemoryMarshal.GetReference(utf8), utf8.Length, Transient);

    public static int Step(IntPtr statement) => sqlite3_step(statement);

    public static int Reset(IntPtr statement) => sqlite3_reset(statement);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
    private static extern int sqlite3_bind_int64(IntPtr statement, int parameter, long value);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
    private static extern int sqlite3_bind_null(IntPtr statement, int parameter);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
    private static extern int sqlite3_bind_zeroblob(IntPtr statement, int parameter, int length);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
    private static extern int sqlite3_bind_blob(IntPtr statement, int parameter, ref byte value, int length, IntPtr destructor);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
    private static extern int sqlite3_bind_text(IntPtr statement, int parameter, ref byte utf8, int length, IntPtr destructor);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
    private static extern int sqlite3_step(IntPtr statement);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
    private static extern int sqlite3_reset(IntPtr statement);
}
