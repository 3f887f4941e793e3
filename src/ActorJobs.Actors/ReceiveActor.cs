namespace ActorJobs.Actors;

/// <summary>
/// An actor whose behavior is a list of typed handlers registered in its constructor:
/// <c>Receive&lt;Ping&gt;(p =&gt; Sender.Tell(new Pong()))</c>. For each message the first handler whose type
/// (and predicate, if any) matches wins. <c>Become</c> swaps the whole list.
/// </summary>
public abstract class ReceiveActor : ActorBase
{
    private readonly List<Handler[]> _stack = [];
    private List<Handler>? _registering = [];
    private Handler[] _current = [];

    /// <summary>Handles messages of type <typeparamref name="T"/> (that pass <paramref name="shouldHandle"/>, if given).</summary>
    protected void Receive<T>(Action<T> handler, Predicate<T>? shouldHandle = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Register(new ActionHandler<T>(handler, shouldHandle));
    }

    /// <summary>Handles messages of type <typeparamref name="T"/> that pass <paramref name="shouldHandle"/>.</summary>
    protected void Receive<T>(Predicate<T> shouldHandle, Action<T> handler)
    {
        ArgumentNullException.ThrowIfNull(shouldHandle);
        Receive(handler, shouldHandle);
    }

    /// <summary>Handles messages of type <typeparamref name="T"/> for which <paramref name="handler"/> returns true; false passes the message on to the next handler.</summary>
    protected void Receive<T>(Func<T, bool> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Register(new FuncHandler<T>(handler));
    }

    /// <summary>
    /// Handles messages of type <typeparamref name="T"/> with an async handler. The actor takes no other user
    /// message until the task ends, and code after each <c>await</c> runs on the actor (Self, Sender and state stay valid).
    /// A faulted task fails the actor like a thrown exception.
    /// </summary>
    protected void ReceiveAsync<T>(Func<T, Task> handler, Predicate<T>? shouldHandle = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Register(new AsyncHandler<T>(this, handler, shouldHandle));
    }

    /// <summary>Handles any message not taken by an earlier handler.</summary>
    protected void ReceiveAny(Action<object> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Register(new ActionHandler<object>(handler, null));
    }

    /// <summary>Handles any message not taken by an earlier handler, asynchronously (see <see cref="ReceiveAsync{T}"/>).</summary>
    protected void ReceiveAnyAsync(Func<object, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Register(new AsyncHandler<object>(this, handler, null));
    }

    /// <summary>Replaces the current behavior with the handlers that <paramref name="configure"/> registers.</summary>
    protected void Become(Action configure) => OnBecome(configure, stacked: false);

    /// <summary>Pushes the handlers that <paramref name="configure"/> registers on top of the current behavior.</summary>
    protected void BecomeStacked(Action configure) => OnBecome(configure, stacked: true);

    /// <summary>Returns to the behavior below the one pushed by the last <see cref="BecomeStacked"/>.</summary>
    protected void UnbecomeStacked() => OnUnbecome();

    /// <inheritdoc />
    protected internal sealed override bool Receive(object message)
    {
        var handlers = _current;
        for (var i = 0; i < handlers.Length; i++)
        {
            if (handlers[i].TryHandle(message))
            {
                return true;
            }
        }
        return false;
    }

    internal override void AfterConstruction()
    {
        if (_registering is not null)
        {
            _current = [.. _registering];
            _stack.Add(_current);
            _registering = null;
        }
    }

    internal override void OnBecome(Action configure, bool stacked)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var outer = _registering;
        _registering = [];
        try
        {
            configure();
            var handlers = _registering.ToArray();
            if (!stacked && _stack.Count > 0)
            {
                _stack[^1] = handlers;
            }
            else
            {
                _stack.Add(handlers);
            }
            _current = handlers;
        }
        finally
        {
            _registering = outer;
        }
    }

    internal override void OnUnbecome()
    {
        if (_stack.Count > 1)
        {
            _stack.RemoveAt(_stack.Count - 1);
            _current = _stack[^1];
        }
    }

    private void Register(Handler handler)
    {
        if (_registering is null)
        {
            throw new InvalidOperationException(
                $"{GetType().Name}: Receive handlers can only be registered in the constructor or inside Become/BecomeStacked.");
        }
        _registering.Add(handler);
    }

    private abstract class Handler
    {
        public abstract bool TryHandle(object message);
    }

    private sealed class ActionHandler<T>(Action<T> handler, Predicate<T>? shouldHandle) : Handler
    {
        public override bool TryHandle(object message)
        {
            if (message is T typed && (shouldHandle is null || shouldHandle(typed)))
            {
                handler(typed);
                return true;
            }
            return false;
        }
    }

    private sealed class FuncHandler<T>(Func<T, bool> handler) : Handler
    {
        public override bool TryHandle(object message) => message is T typed && handler(typed);
    }

    private sealed class AsyncHandler<T>(ReceiveActor actor, Func<T, Task> handler, Predicate<T>? shouldHandle) : Handler
    {
        public override bool TryHandle(object message)
        {
            if (message is T typed && (shouldHandle is null || shouldHandle(typed)))
            {
                actor.Cell.RunAsync(handler, typed);
                return true;
            }
            return false;
        }
    }
}
