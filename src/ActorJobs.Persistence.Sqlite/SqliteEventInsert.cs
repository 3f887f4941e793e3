using System.Runtime.InteropServices;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Sqlite.Queries;
using Microsoft.Data.Sqlite;

namespace ActorJobs.Persistence.Sqlite;

/// <summary>The prepared insert of one event, reused for every event of every batch.</summary>
internal sealed class SqliteEventInsert : IDisposable
{
    private readonly SqliteCommand _command;
    private readonly SqliteParameter _persistenceId;
    private readonly SqliteParameter _sequenceNr;
    private readonly SqliteParameter _manifest;
    private readonly SqliteParameter _payload;
    private readonly SqliteParameter _writtenAt;
    private readonly SqliteParameter _writerId;
    private readonly SqliteParameter _tags;

    public SqliteEventInsert(SqliteConnection connection)
    {
        _command = connection.CreateCommand();
        _command.CommandText = JournalQueries.InsertEvent;
        _persistenceId = _command.Parameters.Add("$persistence_id", SqliteType.Text);
        _sequenceNr = _command.Parameters.Add("$sequence_nr", SqliteType.Integer);
        _manifest = _command.Parameters.Add("$manifest", SqliteType.Text);
        _payload = _command.Parameters.Add("$payload", SqliteType.Blob);
        _writtenAt = _command.Parameters.Add("$written_at", SqliteType.Integer);
        _writerId = _command.Parameters.Add("$writer_id", SqliteType.Text);
        _tags = _command.Parameters.Add("$tags", SqliteType.Text);
    }

    /// <summary>Sets the event of the next execution.</summary>
    public void Bind(AtomicWrite write, SerializedEvent e, long writtenAtMicroseconds)
    {
        _persistenceId.Value = write.PersistenceId;
        _sequenceNr.Value = e.SequenceNr;
        _manifest.Value = e.Manifest;
        _payload.Value = AsArray(e.Payload);
        _writtenAt.Value = writtenAtMicroseconds;
        _writerId.Value = (object?)write.WriterId ?? DBNull.Value;
        _tags.Value = (object?)StoredTags.Encode(e.Tags) ?? DBNull.Value;
    }

    /// <summary>Inserts the bound event inside <paramref name="transaction"/>.</summary>
    public void Execute(SqliteTransaction transaction)
    {
        _command.Transaction = transaction;
        _command.ExecuteNonQuery();
    }

    public void Dispose() => _command.Dispose();

    private static byte[] AsArray(ReadOnlyMemory<byte> payload) =>
        MemoryMarshal.TryGetArray(payload, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : payload.ToArray();
}
