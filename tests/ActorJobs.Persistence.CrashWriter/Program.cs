// Appends batches to a journal until it is killed, printing "acked N" after batch N commits.
// The persistence tests start it, kill it mid-stream, and check that the journal holds whole batches only.
//   ActorJobs.Persistence.CrashWriter sqlite|postgresql CONNECTION_STRING
using System.Text.Json;
using ActorJobs.Persistence.CrashWriter;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.PostgreSql;
using ActorJobs.Persistence.Sqlite;

const int Loops = 4;
const int EntitiesPerLoop = 20;
const int WritesPerBatch = 5;

if (args.Length != 2 || (args[0] != "sqlite" && args[0] != "postgresql"))
{
    await Console.Error.WriteLineAsync("usage: ActorJobs.Persistence.CrashWriter sqlite|postgresql CONNECTION_STRING");
    return 2;
}

IJournal store = args[0] == "sqlite"
    ? SqliteJournal.Open(new SqlitePersistenceOptions { ConnectionString = args[1] })
    : await PostgreSqlJournal.OpenAsync(new PostgreSqlPersistenceOptions { ConnectionString = args[1] });
await using var writer = new BatchingJournalWriter(store);

long batches = 0;
Console.WriteLine("ready");

// Several loops on disjoint entities, so the batching writer groups their batches into shared transactions.
await Task.WhenAll(Enumerable.Range(0, Loops).Select(loop => Task.Run(async () =>
{
    var highest = new long[EntitiesPerLoop];
    for (var round = 0; ; round++)
    {
        var batch = Interlocked.Increment(ref batches);
        var writes = new AtomicWrite[WritesPerBatch];
        for (var w = 0; w < WritesPerBatch; w++)
        {
            var entity = (round * WritesPerBatch + w) % EntitiesPerLoop;
            var eventCount = 1 + (int)((batch + w) % 3);
            var events = new SerializedEvent[eventCount];
            for (var e = 0; e < eventCount; e++)
            {
                var mark = new BatchMark(batch, w, WritesPerBatch, e, eventCount);
                events[e] = new SerializedEvent(highest[entity] + 1 + e, BatchMark.Manifest, JsonSerializer.SerializeToUtf8Bytes(mark));
            }

            writes[w] = new AtomicWrite($"crash-{loop}-{entity}", events);
            highest[entity] += eventCount;
        }

        var results = await writer.WriteAsync(writes);
        if (results.Any(result => !result.IsWritten))
        {
            await Console.Error.WriteLineAsync($"batch {batch} was rejected: {string.Join("; ", results)}");
            Environment.Exit(3);
        }

        Console.WriteLine($"acked {batch}");
    }
})));
return 0;
