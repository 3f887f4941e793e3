using System.Runtime.InteropServices;

namespace ActorJobs.Persistence.Journal;

/// <summary>
/// The sequence-number fence, shared by every backend: given a batch of atomic writes and the highest sequence
/// number stored for each of its entities (read inside the backend's transaction), decides which writes continue
/// their entity's history with no gap and which are rejected. Writes of one entity are checked in batch order,
/// so the second of two consecutive writes in one batch is accepted when the first is.
/// </summary>
public sealed class AppendPlan
{
    private readonly bool[] _accepted;

    private AppendPlan(bool[] accepted, AtomicWriteResult[] results, List<AtomicWrite> acceptedWrites, int acceptedEventCount)
    {
        _accepted = accepted;
        Results = results;
        AcceptedWrites = acceptedWrites;
        AcceptedEventCount = acceptedEventCount;
    }

    /// <summary>One result per write of the batch, in order; valid once the backend commits the accepted writes.</summary>
    public IReadOnlyList<AtomicWriteResult> Results { get; }

    /// <summary>The writes to store, in batch order.</summary>
    public IReadOnlyList<AtomicWrite> AcceptedWrites { get; }

    /// <summary>The number of events in <see cref="AcceptedWrites"/>.</summary>
    public int AcceptedEventCount { get; }

    /// <summary>The distinct entities of a batch: the ones whose highest sequence number the backend must read.</summary>
    /// <param name="writes">The batch.</param>
    public static IReadOnlyCollection<string> PersistenceIdsOf(IReadOnlyList<AtomicWrite> writes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var write in writes)
        {
            ids.Add(write.PersistenceId);
        }

        return ids;
    }

    /// <summary>Whether the write at <paramref name="index"/> of the batch is to be stored.</summary>
    /// <param name="index">The write's position in the batch.</param>
    public bool IsAccepted(int index) => _accepted[index];

    /// <summary>Decides the batch.</summary>
    /// <param name="writes">The batch, in order.</param>
    /// <param name="storedHighest">The highest stored sequence number per entity; an entity that is missing has none (0).</param>
    public static AppendPlan Create(IReadOnlyList<AtomicWrite> writes, IReadOnlyDictionary<string, long> storedHighest)
    {
        ArgumentNullException.ThrowIfNull(writes);
        ArgumentNullException.ThrowIfNull(storedHighest);

        var accepted = new bool[writes.Count];
        var results = new AtomicWriteResult[writes.Count];
        var acceptedWrites = new List<AtomicWrite>(writes.Count);
        var acceptedEventCount = 0;

        // Highest per entity as the batch goes along, so a later write of the same entity sees the earlier one.
        Dictionary<string, long>? running = null;

        for (var i = 0; i < writes.Count; i++)
        {
            var write = writes[i];
            long highest;
            if (running is null || !running.TryGetValue(write.PersistenceId, out highest))
            {
                highest = storedHighest.TryGetValue(write.PersistenceId, out var stored) ? stored : 0;
            }

            if (write.FirstSequenceNr == highest + 1)
            {
                accepted[i] = true;
                results[i] = AtomicWriteResult.Written;
                acceptedWrites.Add(write);
                acceptedEventCount += write.Events.Count;
                // Sized for the rest of the batch, so it never grows while the writer waits.
                running ??= new Dictionary<string, long>(writes.Count - i, StringComparer.Ordinal);
                running[write.PersistenceId] = write.LastSequenceNr;
            }
            else
            {
                results[i] = AtomicWriteResult.Rejected(RejectionReason(write, highest));
            }
        }

        return new AppendPlan(accepted, results, acceptedWrites, acceptedEventCount);
    }

    /// <summary>
    /// Decides the batch as <see cref="Create"/> does, reading and moving <paramref name="highest"/> itself: afterwards
    /// it holds, for every entity with an accepted write, the highest number as it will be once the batch commits. A
    /// caller that keeps the numbers between batches saves the copy <see cref="Create"/> makes and its own update
    /// after the commit, and must forget them if the batch does not commit.
    /// </summary>
    /// <param name="writes">The batch, in order.</param>
    /// <param name="highest">The highest stored sequence number per entity; an entity that is missing has none (0).</param>
    public static AppendPlan CreateAdvancing(IReadOnlyList<AtomicWrite> writes, Dictionary<string, long> highest)
    {
        ArgumentNullException.ThrowIfNull(writes);
        ArgumentNullException.ThrowIfNull(highest);

        var accepted = new bool[writes.Count];
        var results = new AtomicWriteResult[writes.Count];
        var acceptedWrites = new List<AtomicWrite>(writes.Count);
        var acceptedEventCount = 0;
        for (var i = 0; i < writes.Count; i++)
        {
            var write = writes[i];
            ref var entityHighest = ref CollectionsMarshal.GetValueRefOrAddDefault(highest, write.PersistenceId, out var known);
            if (write.FirstSequenceNr == entityHighest + 1)
            {
                accepted[i] = true;
                results[i] = AtomicWriteResult.Written;
                acceptedWrites.Add(write);
                acceptedEventCount += write.Events.Count;
                entityHighest = write.LastSequenceNr;
            }
            else
            {
                var reason = RejectionReason(write, entityHighest);
                if (!known)
                {
                    // Missing stays missing: the entry was added only to be read.
                    highest.Remove(write.PersistenceId);
                }

                results[i] = AtomicWriteResult.Rejected(reason);
            }
        }

        return new AppendPlan(accepted, results, acceptedWrites, acceptedEventCount);
    }

    private static string RejectionReason(AtomicWrite write, long highest)
    {
        var range = write.Events.Count == 1
            ? $"sequence number {write.FirstSequenceNr}"
            : $"sequence numbers {write.FirstSequenceNr}..{write.LastSequenceNr}";
        var why = write.FirstSequenceNr <= highest
            ? $"sequence number {write.FirstSequenceNr} is already taken (highest stored is {highest})"
            : $"it would leave a gap (highest stored is {highest}, so the next must be {highest + 1})";
        return $"The atomic write for '{write.PersistenceId}' at {range} was rejected: {why}. Nothing of it was written.";
    }
}
