using ActorJobs.Persistence.Sqlite;
using ActorJobs.Persistence.Tests.Support;

namespace ActorJobs.Persistence.Tests.Backends;

/// <summary>The sync after commits: every request is covered by a sync that started after it, and syncs are shared.</summary>
public sealed class SqliteWalSyncTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Under_concurrent_commits_each_is_acknowledged_only_after_a_sync_that_started_after_it()
    {
        var database = _directory.File("jobs.db");
        await File.WriteAllBytesAsync(database + "-wal", [0]);
        using var sync = new SqliteWalSync(database);
        long started = 0, finished = 0;
        sync.Flush = _ =>
        {
            Interlocked.Increment(ref started);
            Thread.SpinWait(50_000); // a sync takes a while, so requests pile up behind it
            Interlocked.Increment(ref finished);
        };

        const int Threads = 8, RequestsEach = 200;
        var violations = 0;
        var requests = Enumerable.Range(0, Threads).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < RequestsEach; i++)
            {
                var startedBefore = Interlocked.Read(ref started);
                await sync.AfterCommit();

                // A sync that started after the request has finished: at least one more than had started before it.
                if (Interlocked.Read(ref finished) < startedBefore + 1)
                {
                    Interlocked.Increment(ref violations);
                }
            }
        })).ToArray();

        await Task.WhenAll(requests).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, violations);
        Assert.Equal((long)sync.Syncs, Interlocked.Read(ref finished));
        Assert.True(sync.Syncs < Threads * RequestsEach, $"{sync.Syncs} syncs for {Threads * RequestsEach} requests: none was shared");
    }

    [Fact]
    public async Task A_failed_sync_fails_the_requests_it_covered_and_the_next_request_gets_a_sync_of_its_own()
    {
        var database = _directory.File("jobs.db");
        await File.WriteAllBytesAsync(database + "-wal", [0]);
        using var sync = new SqliteWalSync(database);
        sync.Flush = _ => throw new IOException("the disk went away");

        var failure = await Assert.ThrowsAsync<IOException>(() => sync.AfterCommit());
        Assert.Equal("the disk went away", failure.Message);

        sync.Flush = _ => { };
        await sync.AfterCommit().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, sync.Syncs);
    }
}
