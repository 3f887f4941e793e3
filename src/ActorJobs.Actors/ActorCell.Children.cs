namespace ActorJobs.Actors;

/// <summary>Children: creation with unique names, lookup, and stopping.</summary>
internal sealed partial class ActorCell
{
    // Children are created from other threads too (ActorSystem.ActorOf creates children of the user guardian),
    // so the container is locked. Creation is rare; no message path takes this lock.
    private readonly Lock _childrenLock = new();
    private Dictionary<string, ChildEntry>? _children;
    private long _nextChildName;

    public IActorRef ActorOf(Props props, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(props);
        if (name is not null && !ActorPath.IsValidName(name, out var error))
        {
            throw new InvalidActorNameException(error);
        }
        return CreateChild(props, name ?? GeneratedName());
    }

    /// <summary>Creates a child with a name the public rules would reject (guardians, temporary actors).</summary>
    internal LocalActorRef CreateChild(Props props, string name)
    {
        LocalActorRef child;
        lock (_childrenLock)
        {
            if (_terminating)
            {
                throw new InvalidOperationException($"{Path} is stopping and cannot create the child [{name}].");
            }
            _children ??= new Dictionary<string, ChildEntry>(StringComparer.Ordinal);
            if (_children.TryGetValue(name, out var existing) && !existing.HasTerminated)
            {
                throw new InvalidActorNameException($"Actor name [{name}] is not unique: {Path}/{name} is still alive or stopping.");
            }
            var cell = new ActorCell(System, props, Self, this, Path.Child(name, System.NextUid()));
            child = cell.Self;
            _children[name] = new ChildEntry(child);
        }
        child.Cell.Start();
        return child;
    }

    public IActorRef Child(string name)
    {
        lock (_childrenLock)
        {
            return _children is not null && _children.TryGetValue(name, out var entry) ? entry.Ref : ActorRefs.Nobody;
        }
    }

    public IReadOnlyList<IActorRef> GetChildren()
    {
        lock (_childrenLock)
        {
            return _children is null || _children.Count == 0 ? [] : _children.Values.Select(e => (IActorRef)e.Ref).ToArray();
        }
    }

    public void Stop(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor is not InternalActorRef target)
        {
            throw new ArgumentException($"{actor} is not an actor of this kernel and cannot be stopped.", nameof(actor));
        }
        lock (_childrenLock)
        {
            if (_children is not null && _children.TryGetValue(target.Path.Name, out var entry) && entry.Ref.Equals(target))
            {
                entry.Stopping = true;
            }
        }
        target.Stop();
    }

    internal void StopChild(ChildEntry entry)
    {
        lock (_childrenLock)
        {
            entry.Stopping = true;
        }
        entry.Ref.Stop();
    }

    /// <summary>Called by a child as it terminates, before its watchers hear of it: its name is free from now on.</summary>
    internal void ReleaseChildName(InternalActorRef child)
    {
        lock (_childrenLock)
        {
            if (_children is not null && _children.TryGetValue(child.Path.Name, out var entry) && entry.Ref.Equals(child))
            {
                entry.HasTerminated = true;
            }
        }
    }

    private ChildEntry? FindChild(InternalActorRef child)
    {
        lock (_childrenLock)
        {
            return _children is not null && _children.TryGetValue(child.Path.Name, out var entry) && entry.Ref.Equals(child) ? entry : null;
        }
    }

    private ChildEntry[] ChildrenSnapshot()
    {
        lock (_childrenLock)
        {
            return _children is null ? [] : [.. _children.Values];
        }
    }

    private bool HasChildren
    {
        get
        {
            lock (_childrenLock)
            {
                return _children is { Count: > 0 };
            }
        }
    }

    private bool HasStoppingChildren
    {
        get
        {
            lock (_childrenLock)
            {
                return _children is not null && _children.Values.Any(c => c.Stopping);
            }
        }
    }

    /// <summary>Stops every child; returns false when there were none.</summary>
    private bool StopAllChildren()
    {
        var children = ChildrenSnapshot();
        foreach (var child in children)
        {
            StopChild(child);
        }
        return children.Length > 0;
    }

    private void HandleChildTerminated(InternalActorRef child)
    {
        lock (_childrenLock)
        {
            if (_children is not null && _children.TryGetValue(child.Path.Name, out var entry) && entry.Ref.Equals(child))
            {
                _children.Remove(child.Path.Name);
            }
        }
        if (_terminating)
        {
            if (!HasChildren)
            {
                FinishTerminate();
            }
        }
        else if (_recreateCause is not null && !HasStoppingChildren)
        {
            FinishRecreate(_recreateCause);
        }
    }

    private string GeneratedName()
    {
        // "$a", "$b", ... "$ba": short, unique per parent, never valid as a user-chosen name.
        var n = Interlocked.Increment(ref _nextChildName) - 1;
        Span<char> buffer = stackalloc char[16];
        var i = buffer.Length;
        do
        {
            buffer[--i] = (char)('a' + (int)(n % 26));
            n /= 26;
        }
        while (n > 0);
        buffer[--i] = '$';
        return new string(buffer[i..]);
    }
}
