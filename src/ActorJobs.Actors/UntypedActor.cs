namespace ActorJobs.Actors;

/// <summary>
/// An actor with one receive method. Call <see cref="ActorBase.Unhandled"/> for messages it does not handle.
/// <c>Context.Become(() =&gt; ...)</c> is not available here; use <see cref="Become(Action{object})"/>.
/// </summary>
public abstract class UntypedActor : ActorBase
{
    private readonly Stack<Action<object>> _behaviors = new();

    /// <summary>Handles one message.</summary>
    protected abstract void OnReceive(object message);

    /// <summary>Replaces the receive method with <paramref name="receive"/> until the next Become.</summary>
    protected void Become(Action<object> receive)
    {
        ArgumentNullException.ThrowIfNull(receive);
        _behaviors.Clear();
        _behaviors.Push(receive);
    }

    /// <inheritdoc />
    protected internal sealed override bool Receive(object message)
    {
        if (_behaviors.TryPeek(out var current))
        {
            current(message);
        }
        else
        {
            OnReceive(message);
        }
        return true;
    }
}
