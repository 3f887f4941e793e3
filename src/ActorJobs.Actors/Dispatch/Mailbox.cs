using System.Collections.Concurrent;

namespace ActorJobs.Actors.Dispatch;

/// <summary>
/// An actor's mailbox and its scheduling on the .NET thread pool.
/// </summary>
/// <remarks>
/// Protocol: producers enqueue into a lock-free multi-producer queue, then move the status word from idle to
/// scheduled with one compare-and-swap; the winner queues this mailbox as a thread-pool work item. A run drains
/// system messages, then up to <c>throughput</c> user messages, clears the scheduled bit and looks at the
/// queues again, so a message enqueued while the bit was still set is never left behind (no lost wake-up).
/// The status word also holds a closed bit and a suspend count (failure, async handler, stopping).
/// System messages, and user messages of an unbounded mailbox, are pushed on lock-free stacks, newest first; the run
/// takes a whole stack at once and keeps it reversed, oldest first. A node per message costs less than the 32-slot
/// segment a queue allocates up front, for every short-lived actor (a job's actor gets a handful of messages). A bounded
/// mailbox keeps a queue: dropping its oldest message is done by the sender.
/// </remarks>
internal sealed class Mailbox : IThreadPoolWorkItem
{
    private const int Scheduled = 1;
    private const int Closed = 2;
    private const int SuspendUnit = 4;

    // Bounded mailboxes only.
    private readonly ConcurrentQueue<Envelope>? _bounded;

    // Unbounded mailboxes: pushed by any thread, newest first; and taken and reversed, oldest first, touched only by the
    // thread running this mailbox.
    private Node<Envelope>? _userIncoming;
    private Node<Envelope>? _userTaken;

    // Pushed by any thread, newest first.
    private Node<SystemMessage>? _systemIncoming;

    // Taken from _systemIncoming and reversed, oldest first; touched only by the thread running this mailbox.
    private Node<SystemMessage>? _systemTaken;
    private readonly int _throughput;
    private readonly int _capacity;
    private readonly MailboxOverflow _overflow;
    private readonly bool _runsOnCallingThread;
    private int _status;
    private int _count;

    // Messages put back in front of the queue by Unstash; touched only by the thread running this mailbox.
    private LinkedList<Envelope>? _prepended;

    public Mailbox(ActorCell cell, int throughput, MailboxSettings settings, bool runsOnCallingThread = false)
    {
        Cell = cell;
        // On the calling thread a run takes everything queued, so a rescheduled run (which would nest) is rare.
        _throughput = runsOnCallingThread ? int.MaxValue : throughput;
        _runsOnCallingThread = runsOnCallingThread;
        _capacity = settings.Capacity;
        _overflow = settings.Overflow;
        if (_capacity > 0)
        {
            _bounded = new ConcurrentQueue<Envelope>();
        }
    }

    public ActorCell Cell { get; }

    public bool IsClosed => (Volatile.Read(ref _status) & Closed) != 0;

    public bool IsSuspended => Volatile.Read(ref _status) >= SuspendUnit;

    public void Post(Envelope envelope)
    {
        if (_bounded is not null)
        {
            if (!Reserve(envelope))
            {
                return;
            }
            _bounded.Enqueue(envelope);
        }
        else
        {
            Push(ref _userIncoming, envelope);
        }
        while (true)
        {
            var status = Volatile.Read(ref _status);
            if (status != 0)
            {
                // Already scheduled, suspended or closed. A closed mailbox hands what reached it to dead letters.
                if ((status & Closed) != 0)
                {
                    DrainUserToDeadLetters();
                }
                return;
            }
            if (Interlocked.CompareExchange(ref _status, Scheduled, 0) == 0)
            {
                Dispatch();
                return;
            }
        }
    }

    public void PostSystem(SystemMessage message)
    {
        Push(ref _systemIncoming, message);

        if (IsClosed)
        {
            DrainSystemAfterClose();
            return;
        }
        TrySchedule();
    }

    /// <summary>Puts messages back at the head of the queue, in the given order (Unstash semantics).</summary>
    public void Prepend(IReadOnlyList<Envelope> envelopes)
    {
        _prepended ??= new LinkedList<Envelope>();
        for (var i = envelopes.Count - 1; i >= 0; i--)
        {
            _prepended.AddFirst(envelopes[i]);
        }
    }

    public void Suspend() => Interlocked.Add(ref _status, SuspendUnit);

    public void Resume()
    {
        var status = Interlocked.Add(ref _status, -SuspendUnit);
        if (status < 0 || (status & ~(Scheduled | Closed)) < 0)
        {
            throw new InvalidOperationException($"Mailbox of {Cell.Path} resumed more often than it was suspended.");
        }
    }

    /// <summary>Closes the mailbox for good: everything still queued, and everything that arrives later, goes to dead letters.</summary>
    public void Close()
    {
        Interlocked.Or(ref _status, Closed);
        if (_prepended is not null)
        {
            foreach (var envelope in _prepended)
            {
                Cell.System.DeadLetterFor(envelope, Cell.Self);
            }
            _prepended = null;
        }

        // Called while running this mailbox (the cell terminates on a system message): what that run had taken but not
        // yet handled goes first, in order, then what is still incoming.
        var takenUser = _userTaken;
        _userTaken = null;
        for (var node = takenUser; node is not null; node = node.Next)
        {
            Cell.System.DeadLetterFor(node.Value, Cell.Self);
        }
        DrainUserToDeadLetters();

        var taken = _systemTaken;
        _systemTaken = null;
        for (var node = taken; node is not null; node = node.Next)
        {
            Cell.SystemInvokeAfterDeath(node.Value);
        }

        DrainSystemAfterClose();
    }

    public void Execute()
    {
        var cell = Cell;
        var previous = ActorCell.Current;
        ActorCell.Current = cell;
        try
        {
            if (!IsClosed)
            {
                ProcessSystemMessages();
                ProcessUserMessages();
            }
        }
        finally
        {
            ActorCell.Current = previous;
            Interlocked.And(ref _status, ~Scheduled);
            if (HasPendingWork())
            {
                TrySchedule();
            }
        }
    }

    private void ProcessUserMessages()
    {
        var cell = Cell;
        for (var left = _throughput; left > 0; left--)
        {
            if (Volatile.Read(ref _status) > Scheduled || !TryDequeueUser(out var envelope))
            {
                return;
            }
            cell.Invoke(envelope);
            if (HasSystemMessages)
            {
                ProcessSystemMessages();
            }
        }
    }

    private void ProcessSystemMessages()
    {
        while (!IsClosed && TryTakeSystem(out var message))
        {
            Cell.SystemInvoke(message);
        }
    }

    private bool HasSystemMessages => _systemTaken is not null || Volatile.Read(ref _systemIncoming) is not null;

    private bool TryTakeSystem(out SystemMessage message)
    {
        if (_systemTaken is null)
        {
            var incoming = Interlocked.Exchange(ref _systemIncoming, null);
            if (incoming is null)
            {
                message = null!;
                return false;
            }

            _systemTaken = Reverse(incoming);
        }

        var next = _systemTaken;
        _systemTaken = next.Next;
        message = next.Value;
        return true;
    }

    /// <summary>Pushes <paramref name="value"/> on the lock-free stack at <paramref name="head"/>; any thread may.</summary>
    private static void Push<T>(ref Node<T>? head, T value)
    {
        var node = new Node<T>(value);
        while (true)
        {
            var seen = Volatile.Read(ref head);
            node.Next = seen;
            if (Interlocked.CompareExchange(ref head, node, seen) == seen)
            {
                return;
            }
        }
    }

    /// <summary>A stack taken whole (newest first), turned into a list oldest first.</summary>
    private static Node<T> Reverse<T>(Node<T> newestFirst)
    {
        Node<T>? oldestFirst = null;
        for (Node<T>? node = newestFirst, next; node is not null; node = next)
        {
            next = node.Next;
            node.Next = oldestFirst;
            oldestFirst = node;
        }

        return oldestFirst!;
    }

    private bool TryDequeueUser(out Envelope envelope)
    {
        if (_prepended is { Count: > 0 })
        {
            envelope = _prepended.First!.Value;
            _prepended.RemoveFirst();
            return true;
        }
        if (_bounded is not null)
        {
            if (_bounded.TryDequeue(out envelope))
            {
                Interlocked.Decrement(ref _count);
                return true;
            }
            return false;
        }
        if (_userTaken is null)
        {
            var incoming = Interlocked.Exchange(ref _userIncoming, null);
            if (incoming is null)
            {
                envelope = default;
                return false;
            }
            _userTaken = Reverse(incoming);
        }
        var next = _userTaken;
        _userTaken = next.Next;
        envelope = next.Value;
        return true;
    }

    private bool HasUserMessages => _bounded is not null
        ? !_bounded.IsEmpty
        : _userTaken is not null || Volatile.Read(ref _userIncoming) is not null;

    private bool HasPendingWork()
    {
        var status = Volatile.Read(ref _status);
        if ((status & Closed) != 0)
        {
            return false;
        }
        if (HasSystemMessages)
        {
            return true;
        }
        return status < SuspendUnit && (HasUserMessages || _prepended is { Count: > 0 });
    }

    /// <summary>Runs the mailbox, whose scheduled bit this thread has just set: on the thread pool, or here and now.</summary>
    private void Dispatch()
    {
        if (_runsOnCallingThread)
        {
            Execute();
            return;
        }
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
    }

    private void TrySchedule()
    {
        while (true)
        {
            var status = Volatile.Read(ref _status);
            if ((status & (Scheduled | Closed)) != 0)
            {
                return;
            }
            if (Interlocked.CompareExchange(ref _status, status | Scheduled, status) == status)
            {
                Dispatch();
                return;
            }
        }
    }

    /// <summary>Takes a slot in a bounded mailbox, applying the overflow policy when it is full.</summary>
    private bool Reserve(Envelope envelope)
    {
        if (Interlocked.Increment(ref _count) <= _capacity)
        {
            return true;
        }
        switch (_overflow)
        {
            case MailboxOverflow.DropOldest:
                // Keep the newest: the oldest waiting message goes to dead letters and this one takes its slot.
                if (_bounded!.TryDequeue(out var oldest))
                {
                    Cell.System.DeadLetterFor(oldest, Cell.Self);
                    return true;
                }
                Interlocked.Decrement(ref _count);
                return Reserve(envelope);
            case MailboxOverflow.Reject when envelope.Message is not (TimerTick or ReceiveTimeoutTick or Terminated):
                Interlocked.Decrement(ref _count);
                throw new MailboxFullException(Cell.Path, _capacity, envelope.Message);
            default:
                // DropNewest; also Reject for the kernel's own messages, told from a timer thread or a system message
                // with no caller to throw to (on a timer thread the exception would take the process down).
                Interlocked.Decrement(ref _count);
                Cell.System.DeadLetterFor(envelope, Cell.Self);
                return false;
        }
    }

    /// <summary>Hands what reached a closed mailbox to dead letters. Any thread may run it, several at once.</summary>
    private void DrainUserToDeadLetters()
    {
        if (_bounded is not null)
        {
            while (_bounded.TryDequeue(out var envelope))
            {
                Interlocked.Decrement(ref _count);
                Cell.System.DeadLetterFor(envelope, Cell.Self);
            }
            return;
        }
        var incoming = Interlocked.Exchange(ref _userIncoming, null);
        if (incoming is null)
        {
            return;
        }
        for (Node<Envelope>? node = Reverse(incoming); node is not null; node = node.Next)
        {
            Cell.System.DeadLetterFor(node.Value, Cell.Self);
        }
    }

    /// <summary>Hands what reached a closed mailbox to the dead cell. Any thread may run it, several at once: each takes its own nodes.</summary>
    private void DrainSystemAfterClose()
    {
        var incoming = Interlocked.Exchange(ref _systemIncoming, null);
        if (incoming is null)
        {
            return;
        }

        for (Node<SystemMessage>? node = Reverse(incoming); node is not null; node = node.Next)
        {
            Cell.SystemInvokeAfterDeath(node.Value);
        }
    }

    private sealed class Node<T>(T value)
    {
        public T Value { get; } = value;

        public Node<T>? Next { get; set; }
    }
}
