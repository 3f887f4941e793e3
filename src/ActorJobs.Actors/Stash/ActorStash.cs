namespace ActorJobs.Actors;

/// <summary>The stash of one cell. It lives as long as the cell, so it survives restarts.</summary>
internal sealed class ActorStash(ActorCell cell) : IStash
{
    private readonly List<Envelope> _stashed = [];
    private long _lastStashedInvocation = -1;

    public int Count => _stashed.Count;

    public void Stash()
    {
        var invocation = cell.InvocationNumber;
        if (invocation == _lastStashedInvocation)
        {
            throw new IllegalActorStateException($"{cell.Path}: the same message cannot be stashed twice.");
        }
        if (!cell.HasCurrentMessage)
        {
            throw new IllegalActorStateException($"{cell.Path}: Stash() is only valid while handling a message.");
        }
        _lastStashedInvocation = invocation;
        _stashed.Add(cell.CurrentEnvelope);
    }

    public void Unstash()
    {
        if (_stashed.Count == 0)
        {
            return;
        }
        var first = _stashed[0];
        _stashed.RemoveAt(0);
        PutBack([first]);
    }

    public void UnstashAll() => UnstashAll(static _ => true);

    public void UnstashAll(Func<Envelope, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        if (_stashed.Count == 0)
        {
            return;
        }
        var back = _stashed.Where(predicate).ToArray();
        _stashed.Clear();
        PutBack(back);
    }

    public IReadOnlyList<Envelope> ClearStash()
    {
        var all = _stashed.ToArray();
        _stashed.Clear();
        return all;
    }

    private void PutBack(Envelope[] envelopes)
    {
        foreach (var envelope in envelopes)
        {
            // A Terminated is delivered only while it is marked as queued, and delivering it cleared the mark.
            if (envelope.Message is Terminated { ActorRef: InternalActorRef dead })
            {
                cell.TerminatedRequeued(dead);
            }
        }
        cell.Mailbox.Prepend(envelopes);
    }
}
