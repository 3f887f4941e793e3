using System.Runtime.InteropServices;
using ActorJobs.Persistence.Journal;

namespace ActorJobs.Bench.Persistence;

/// <summary>
/// Sits between the batching writer and the store and counts the store's write calls, one per transaction, so a
/// phase can report how many events a commit carried: group commit shares a commit's fsync among them. It also
/// sums the CPU the calling thread spent in each call that completed on it: the single writer's own cost, which the
/// process's CPU per event hides among the callers' and the actors'.
/// </summary>
internal sealed partial class CommitCounter(IJournal store) : IJournal
{
    private const int ClockThreadCpuTime = 3;

    private long _commits;
    private long _writerCpuNanoseconds;

    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>The CPU the store's write calls took on their callers' threads (a call that went async is not counted).</summary>
    public TimeSpan WriterCpu => TimeSpan.FromMicroseconds(Interlocked.Read(ref _writerCpuNanoseconds) / 1000.0);

    public Task<IReadOnlyList<AtomicWriteResult>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _commits);
        var thread = Environment.CurrentManagedThreadId;
        var before = ThreadCpuNanoseconds();
        var task = store.WriteAsync(writes, cancellationToken);
        if (task.IsCompleted && thread == Environment.CurrentManagedThreadId)
        {
            Interlocked.Add(ref _writerCpuNanoseconds, ThreadCpuNanoseconds() - before);
        }

        return task;
    }

    public IAsyncEnumerable<StoredEvent> ReplayAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max, CancellationToken cancellationToken = default) =>
        store.ReplayAsync(persistenceId, fromSequenceNr, toSequenceNr, max, cancellationToken);

    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default) =>
        store.ReadHighestSequenceNrAsync(persistenceId, cancellationToken);

    /// <summary>Whether the store's group replay is passed on; off, recovering actors replay one entity each (--group-replay).</summary>
    public bool OffersGroupReplay { get; set; } = true;

    public IGroupReplay? GroupReplay => OffersGroupReplay ? store.GroupReplay : null;

    public Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default) =>
        store.DeleteMessagesToAsync(persistenceId, toSequenceNr, cancellationToken);

    private static long ThreadCpuNanoseconds() =>
        clock_gettime(ClockThreadCpuTime, out var now) == 0 ? (now.Seconds * 1_000_000_000) + now.Nanoseconds : 0;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", SetLastError = false)]
    private static partial int clock_gettime(int clock, out Timespec time);
}
