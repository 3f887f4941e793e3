namespace ActorJobs.Persistence;

/// <summary>
/// Lets at most a fixed number of persistent actors recover at once (Akka's max-concurrent-recoveries), so a thousand
/// actors starting together do not open a thousand store connections at once. Waiting actors are let in first come,
/// first served; an actor waits with its mailbox held, as during the rest of its recovery.
/// </summary>
internal sealed class RecoveryPermits
{
    private readonly Lock _lock = new();
    private readonly Queue<RecoveryTicket> _waiting = new();
    private int _free;

    public RecoveryPermits(int limit) => _free = limit;

    /// <summary>Asks for a permit; the ticket's <see cref="RecoveryTicket.WhenGranted"/> completes when it is this actor's turn.</summary>
    public RecoveryTicket Request()
    {
        lock (_lock)
        {
            if (_free > 0)
            {
                _free--;
                return new RecoveryTicket(this, granted: true);
            }

            var ticket = new RecoveryTicket(this, granted: false);
            _waiting.Enqueue(ticket);
            return ticket;
        }
    }

    /// <summary>Gives a ticket back, granted or still waiting; a second return changes nothing.</summary>
    public void Return(RecoveryTicket ticket)
    {
        RecoveryTicket? next = null;
        lock (_lock)
        {
            if (!ticket.TryMarkReturned(out var wasGranted) || !wasGranted)
            {
                // A waiting ticket stays queued, marked returned, and is skipped when its turn comes.
                return;
            }

            while (_waiting.TryDequeue(out var candidate))
            {
                if (candidate.TryMarkGranted())
                {
                    next = candidate;
                    break;
                }
            }

            if (next is null)
            {
                _free++;
            }
        }

        // Outside the lock: the next actor's continuation is posted to its own mailbox from here.
        next?.CompleteGrant();
    }
}

/// <summary>One actor's place at the <see cref="RecoveryPermits"/> gate.</summary>
internal sealed class RecoveryTicket
{
    private const int Waiting = 0;
    private const int Granted = 1;
    private const int Returned = 2;

    private readonly RecoveryPermits _permits;
    private readonly TaskCompletionSource? _grant;
    private int _state;

    public RecoveryTicket(RecoveryPermits permits, bool granted)
    {
        _permits = permits;
        if (granted)
        {
            _state = Granted;
        }
        else
        {
            _grant = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Completes when the permit is this ticket's.</summary>
    public Task WhenGranted => _grant?.Task ?? Task.CompletedTask;

    /// <summary>Gives the permit back (or leaves the queue); safe to call more than once, from any thread.</summary>
    public void Return() => _permits.Return(this);

    // The three below run under the gate's lock.
    internal bool TryMarkReturned(out bool wasGranted)
    {
        wasGranted = _state == Granted;
        if (_state == Returned)
        {
            return false;
        }

        _state = Returned;
        return true;
    }

    internal bool TryMarkGranted()
    {
        if (_state != Waiting)
        {
            return false;
        }

        _state = Granted;
        return true;
    }

    internal void CompleteGrant() => _grant!.TrySetResult();
}
